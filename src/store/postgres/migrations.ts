/**
 * The schema in PostgreSQL, for replicas that share one database. Each entry
 * runs once, in order, in one transaction, under an advisory lock (see
 * migrate.ts); `agw_schema_migrations` records which have run. Never edit a
 * released migration: append a new one.
 *
 * Entry 1 is SQLite's migrations 1–10 as one schema (Postgres support starts
 * there, so it has no history of its own). The tables and columns are
 * SQLite's, with Postgres types: times in milliseconds since the epoch as
 * BIGINT, money as DOUBLE PRECISION, JSON kept as TEXT (the store reads and
 * writes it as text on both backends); `request_logs.seq` stands for SQLite's
 * rowid as the order rows were written in (`agw logs --follow`).
 */
export const postgresMigrations: readonly string[] = [
  `
  CREATE TABLE accounts (
    provider            TEXT NOT NULL,
    id                  TEXT NOT NULL,
    credentials         TEXT NOT NULL DEFAULT '{}',
    enabled             BOOLEAN NOT NULL DEFAULT TRUE,
    weight              INTEGER NOT NULL DEFAULT 1,
    priority            INTEGER NOT NULL DEFAULT 0,
    models              TEXT,
    source              TEXT NOT NULL DEFAULT 'config',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    disabled_reason     TEXT,
    daily_request_limit INTEGER,
    daily_token_limit   BIGINT,
    PRIMARY KEY (provider, id)
  );

  CREATE TABLE account_state (
    provider       TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    model          TEXT NOT NULL DEFAULT '',
    cooldown_until BIGINT NOT NULL DEFAULT 0,
    reason         TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (provider, account_id, model)
  );

  CREATE TABLE account_usage (
    provider      TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    model         TEXT NOT NULL,
    day           TEXT NOT NULL,
    requests      BIGINT NOT NULL DEFAULT 0,
    input_tokens  BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (provider, account_id, model, day)
  );

  CREATE TABLE oauth_tokens (
    provider      TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    access_token  TEXT NOT NULL,
    expires_at    BIGINT NOT NULL,
    refresh_token TEXT,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (provider, account_id)
  );

  CREATE TABLE request_logs (
    id              TEXT PRIMARY KEY,
    seq             BIGSERIAL NOT NULL,
    started_at      BIGINT NOT NULL,
    route           TEXT NOT NULL,
    protocol        TEXT,
    requested_model TEXT,
    mapped_model    TEXT,
    provider        TEXT,
    account_id      TEXT,
    stream          BOOLEAN NOT NULL DEFAULT FALSE,
    status          INTEGER NOT NULL,
    latency_ms      INTEGER,
    ttfb_ms         INTEGER,
    input_tokens    BIGINT,
    output_tokens   BIGINT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error_class     TEXT,
    intercepted     TEXT,
    attempt_details TEXT,
    warnings        TEXT,
    key_id          TEXT,
    cost_usd        DOUBLE PRECISION,
    images          INTEGER
  );
  CREATE INDEX request_logs_started_at ON request_logs (started_at);
  CREATE INDEX request_logs_seq ON request_logs (seq);
  CREATE INDEX request_logs_failed ON request_logs (started_at) WHERE status >= 400 OR attempts > 1;

  CREATE TABLE responses (
    id                   TEXT PRIMARY KEY,
    created_at           BIGINT NOT NULL,
    previous_response_id TEXT,
    input                TEXT NOT NULL,
    output               TEXT NOT NULL,
    response             TEXT NOT NULL,
    size                 BIGINT NOT NULL DEFAULT 0
  );
  CREATE INDEX responses_created_at ON responses (created_at);

  CREATE TABLE response_items (
    id          TEXT PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    items       TEXT NOT NULL
  );
  CREATE INDEX response_items_response_id ON response_items (response_id);

  CREATE TABLE client_keys (
    id                 TEXT PRIMARY KEY,
    hash               TEXT NOT NULL UNIQUE,
    name               TEXT,
    models             TEXT,
    rpm                INTEGER,
    tpm                BIGINT,
    daily_requests     INTEGER,
    daily_tokens       BIGINT,
    monthly_budget_usd DOUBLE PRECISION,
    expires_at         BIGINT,
    enabled            BOOLEAN NOT NULL DEFAULT TRUE,
    revoked_at         BIGINT,
    metadata           TEXT,
    source             TEXT NOT NULL DEFAULT 'cli',
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
  );

  CREATE TABLE client_key_usage (
    key_id        TEXT NOT NULL,
    day           TEXT NOT NULL,
    requests      BIGINT NOT NULL DEFAULT 0,
    input_tokens  BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    cost_usd      DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
  );
  `,
  // 2: every change to the accounts or the client keys, by any replica, the
  // CLI or plain SQL, is announced on \`agw_changes\` when it commits: replicas
  // re-read them at once instead of on their next poll.
  `
  CREATE FUNCTION agw_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('agw_changes', TG_TABLE_NAME);
    RETURN NULL;
  END $$;

  CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION agw_announce_change();
  CREATE TRIGGER client_keys_changed AFTER INSERT OR UPDATE OR DELETE ON client_keys
    FOR EACH STATEMENT EXECUTE FUNCTION agw_announce_change();
  `,
  // 3: each client key's use per minute, so replicas hold per-minute limits (rpm, tpm) together.
  `
  CREATE TABLE client_key_minutes (
    key_id   TEXT NOT NULL,
    minute   BIGINT NOT NULL,
    requests BIGINT NOT NULL DEFAULT 0,
    tokens   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, minute)
  );
  `,
];
