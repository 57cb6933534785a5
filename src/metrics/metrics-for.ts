import type { AccountPool } from "../pool/account-pool.ts";
import { GatewayMetrics } from "./gateway-metrics.ts";

/** What a gateway's metrics read: its open requests, its pool and its store's write queue. */
export interface MetricsOwner {
  inflight: { readonly size: number };
  pool: Pick<AccountPool, "snapshot">;
  store: { readonly queuedWrites: number };
}

interface Entry {
  metrics: GatewayMetrics;
  /** The newest context of the gateway, whose pool the gauges read. */
  owner: MetricsOwner;
  seen: WeakSet<MetricsOwner>;
}

/**
 * Keyed by the gateway's `inflight` set, which a config reload hands on to
 * the new context: counters survive a reload, and requests still finishing
 * on the old context count in the same series.
 */
const byGateway = new WeakMap<object, Entry>();

/** The metrics of one gateway, made at its first use: tests run several gateways in one process. */
export function metricsFor(owner: MetricsOwner): GatewayMetrics {
  let entry = byGateway.get(owner.inflight);
  if (entry === undefined) {
    const created: Entry = {
      owner,
      seen: new WeakSet([owner]),
      metrics: new GatewayMetrics({
        inflight: () => created.owner.inflight.size,
        pool: { snapshot: () => created.owner.pool.snapshot() },
        logQueueDepth: () => created.owner.store.queuedWrites,
      }),
    };
    byGateway.set(owner.inflight, created);
    entry = created;
  } else if (!entry.seen.has(owner)) {
    // A context not seen before is a reload's: older contexts never take the gauges back.
    entry.seen.add(owner);
    entry.owner = owner;
  }
  return entry.metrics;
}
