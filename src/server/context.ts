import type { LoadedConfig } from "../config/load.ts";
import type { AccountPool } from "../pool/account-pool.ts";
import type { Provider } from "../providers/types.ts";
import type { ModelRouter } from "../routing/model-router.ts";
import type { Store } from "../store/index.ts";
import type { MediaOptions } from "../media/index.ts";

/** What request handlers share: built once at start-up, never per request. */
export interface GatewayContext {
  config: LoadedConfig;
  store: Store;
  pool: AccountPool;
  router: ModelRouter;
  providers: ReadonlyMap<string, Provider>;
  media: MediaOptions;
}
