import { compile, compileFn, withParser, type $ZodType } from "zod/v4/core";
import { withFlatParsers } from "./flatten-parser.ts";

/** How many schemas have compiled in this process (`schemasCompiled`). */
let compiledSchemas = 0;

/**
 * A schema compiled into zod's generated fast path at its first use rather
 * than at module load: compiling every protocol's request schemas up front
 * took most of agw's start-up (tens of milliseconds each), before a single
 * request could be served. Nothing compiles them ahead of use either: a
 * compiled schema costs memory (the five protocols' together about 12 MB
 * of resident memory, half of agw's own at idle) and a protocol no client
 * speaks should not pay it; the first request of a protocol waits for its
 * schema instead, 15–25 ms once.
 */
export function lazyCompile<Schema extends $ZodType>(schema: Schema): Schema {
  let compiled: Schema | undefined;
  const compiledNow = (): Schema => {
    if (compiled === undefined) {
      compiled = compileParser(schema);
      compiledSchemas++;
    }
    return compiled;
  };
  // Methods are bound once per name, not per call.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(schema, {
    get(_target, property) {
      const cached = bound.get(property);
      if (cached !== undefined) return cached;
      const target = compiledNow();
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value.bind(target);
      bound.set(property, method);
      return method;
    },
  });
}

/**
 * zod's generated parser alone: `z.compile` generates a validator beside it
 * (for `z.validate`, which agw never calls), about 40 % of the compile's
 * time. Its code is flattened (flatten-parser.ts): no closures made per
 * parse. A schema the generator cannot model stays on zod's runtime parser,
 * as `z.compile` leaves it.
 */
export function compileParser<Schema extends $ZodType>(schema: Schema): Schema {
  try {
    const parser = withFlatParsers(() => compileFn(schema));
    return withParser(schema, parser) as unknown as Schema;
  } catch {
    return compile(schema) as unknown as Schema;
  }
}

/**
 * A module loaded at its first use rather than at start-up: a protocol's
 * decoder, whose zod schemas took most of the gateway's module load.
 * `load` is a `require` of the module.
 */
export function lazyModule<Module>(load: () => Module): () => Module {
  let loaded: Module | undefined;
  return (): Module => (loaded ??= load());
}

/** How many schemas have compiled so far (none at start-up: each at its protocol's first request). */
export function schemasCompiled(): number {
  return compiledSchemas;
}
