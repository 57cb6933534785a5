/**
 * The advisory locks replicas take so that work meant to happen once does:
 * fixed numbers (their names as ASCII in a bigint), one per kind of work.
 */

/** Migrating the schema: replicas starting together migrate one after the other. */
export const MIGRATION_LOCK = 0x61_67_77_5f_73_63_68_6dn; // "agw schm"

/** Syncing the config's accounts and client keys: replicas starting together write them one after the other, never racing on the same rows. */
export const CONFIG_SYNC_LOCK = 0x61_67_77_5f_63_6f_6e_66n; // "agw conf"

/** Applying the retention: one replica prunes, the others leave it to that one. */
export const RETENTION_LOCK = 0x61_67_77_5f_72_65_74_6en; // "agw retn"
