import { z } from "zod";

/** Compilations not made yet and modules not loaded yet, for `warmSchemas`. */
const pending = new Set<() => unknown>();

/**
 * A schema compiled into zod's generated fast path at its first use rather
 * than at module load: compiling every protocol's request schemas up front
 * took most of agw's start-up (tens of milliseconds each), before a single
 * request could be served. `warmSchemas` compiles what is left once the
 * gateway listens, a schema per turn of the event loop.
 */
export function lazyCompile<Schema extends z.ZodType>(schema: Schema): Schema {
  let compiled: Schema | undefined;
  const compile = (): Schema => {
    if (compiled === undefined) {
      compiled = z.compile(schema) as unknown as Schema;
      pending.delete(compile);
    }
    return compiled;
  };
  pending.add(compile);
  // Methods are bound once per name, not per call.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(schema, {
    get(_target, property) {
      const cached = bound.get(property);
      if (cached !== undefined) return cached;
      const target = compile();
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value.bind(target);
      bound.set(property, method);
      return method;
    },
  });
}

/**
 * A module loaded at its first use rather than at start-up: a protocol's
 * decoder, whose zod schemas took most of the gateway's module load. The
 * warm-up loads what is left (and compiles the schemas it defines) once the
 * gateway listens. `load` is a `require` of the module.
 */
export function lazyModule<Module>(load: () => Module): () => Module {
  let loaded: Module | undefined;
  const get = (): Module => {
    if (loaded === undefined) {
      loaded = load();
      pending.delete(get);
    }
    return loaded;
  };
  pending.add(get);
  return get;
}

/**
 * How long after listening the warm-up waits. One compilation blocks the
 * event loop for up to ~20 ms: started at once, it made the first requests
 * (a health check, a client's first call) wait for schemas they do not use.
 * A request arriving before the warm-up compiles only its own schema.
 */
const WARM_AFTER_MS = 250;

/** Compiles every schema not compiled yet, yielding to requests between them. */
export async function warmSchemas(afterMs = WARM_AFTER_MS): Promise<void> {
  if (afterMs > 0) await new Promise((resolve) => setTimeout(resolve, afterMs).unref());
  // A loaded module adds its own schemas to `pending`: taken one at a time until none is left.
  for (let next = first(pending); next !== undefined; next = first(pending)) {
    next();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const value of set) return value;
  return undefined;
}

/** How many schemas (and lazily loaded modules) are still waiting. */
export function schemasNotCompiled(): number {
  return pending.size;
}
