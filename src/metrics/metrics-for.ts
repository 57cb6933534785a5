import type { AccountPool } from "../pool/account-pool.ts";
import { GatewayMetrics } from "./gateway-metrics.ts";

/** What a gateway's metrics read: its open requests, its pool and its store's write queue. */
export interface MetricsOwner {
  inflight: { readonly size: number };
  pool: Pick<AccountPool, "snapshot">;
  store: { readonly queuedWrites: number };
}

const byOwner = new WeakMap<MetricsOwner, GatewayMetrics>();

/** The metrics of one gateway (one context), made at its first use: tests run several gateways in one process. */
export function metricsFor(owner: MetricsOwner): GatewayMetrics {
  let metrics = byOwner.get(owner);
  if (metrics === undefined) {
    metrics = new GatewayMetrics({ inflight: () => owner.inflight.size, pool: owner.pool, logQueueDepth: () => owner.store.queuedWrites });
    byOwner.set(owner, metrics);
  }
  return metrics;
}
