import { afterAll, expect, test } from "bun:test";
import { parseConfig } from "../config/load.ts";
import { SqliteStore } from "../store/index.ts";
import { buildContext } from "./context.ts";
import { adminRouteTable } from "./handlers/admin.ts";
import { dashboardRouteTable } from "./handlers/dashboard.ts";
import { ADMIN_ROUTES, DASHBOARD_ROUTES } from "./routes.ts";

const store = SqliteStore.open(":memory:");
afterAll(() => store.close());

/** Path → sorted methods, of a route table or of a list. */
const shape = (table: Record<string, Record<string, unknown> | readonly string[]>) =>
  Object.fromEntries(Object.entries(table).map(([path, methods]) => [path, (Array.isArray(methods) ? [...methods] : Object.keys(methods)).sort()]));

test("the admin API's and the dashboard's routes, listed to load their modules lazily, are the ones the modules define", () => {
  const config = parseConfig({ database: ":memory:", auth: { adminKey: "admin-key-0123456789" } }, "agw.json", {});
  const context = buildContext(config, store);
  expect(shape(ADMIN_ROUTES)).toEqual(shape(adminRouteTable(context)));
  expect(shape(DASHBOARD_ROUTES)).toEqual(shape(dashboardRouteTable(context)));
});
