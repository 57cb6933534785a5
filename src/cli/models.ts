import type { LoadedConfig } from "../config/load.ts";
import { buildContext } from "../server/context.ts";
import { openStore } from "../store/index.ts";

/**
 * `agw models`: the names clients can ask for, with the provider serving
 * each; with `refresh`, also every upstream's own list (`GET /models`
 * where the provider has one), asked with its first usable account.
 */
export async function runModels(config: LoadedConfig, refresh: boolean, print = console.log): Promise<number> {
  const store = await openStore(config.database, { ...(config.secrets.key ? { secretKey: config.secrets.key } : {}), watch: false });
  try {
    const context = buildContext(config, store);
    await context.ready;
    const names = context.router.listModels();
    print(names.length === 0 ? "No model names are configured (see \"models\" and providers.*.models)." : "Model names clients can ask for:");
    for (const { id, provider } of names) print(`  ${id.padEnd(36)} ${provider}`);
    const wildcards = Object.entries(config.models).filter(([name]) => name.includes("*"));
    for (const [pattern, target] of wildcards) print(`  ${pattern.padEnd(36)} → ${target}`);
    if (!refresh) return 0;
    let failures = 0;
    for (const [name, provider] of context.providers) {
      if (!provider.listModels) continue;
      const pick = context.pool.pick(name, "", { tried: new Set() });
      if (!pick.account) {
        print(`${name}: no usable account to ask with (${pick.reason})`);
        failures++;
        continue;
      }
      try {
        const account = await context.pool.credentials(pick.account);
        const models = await provider.listModels({ model: "", account, signal: AbortSignal.timeout(30_000) });
        print(`${name} (${models.length} upstream models):`);
        for (const model of models) print(`  ${name}/${model}`);
      } catch (error) {
        print(`${name}: could not list models: ${(error as Error).message}`);
        failures++;
      }
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}
