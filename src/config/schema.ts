import * as z from "zod/mini";
import "../util/zod-english.ts";
import { isPostgresUrl, postgresUrlProblem } from "../util/postgres-url.ts";

/** Provider types this build understands. The registry in src/providers/index.ts implements them. */
export const PROVIDER_TYPES = ["gemini", "openai", "anthropic", "mock"] as const;
export const AUTH_MODES = ["off", "strict", "all_except_health", "auto"] as const;

// zod's mini API, as everywhere in agw: see util/zod-english.ts.
const port = z.number().check(z.int(), z.gte(0), z.lte(65535));
const positiveInt = z.number().check(z.int(), z.positive());
const nonNegativeInt = z.number().check(z.int(), z.gte(0));
const nonNegative = z.number().check(z.gte(0));
const nonEmptyString = z.string().check(z.minLength(1));
const nonEmptyStrings = z.array(nonEmptyString);

/** An OAuth refresh-token grant: agw exchanges it for access tokens and keeps them fresh. */
export const oauthSchema = z.strictObject({
  tokenUrl: z.url({ protocol: /^https?$/ }),
  clientId: nonEmptyString,
  clientSecret: z.optional(z.string()),
  refreshToken: nonEmptyString,
  /** Extra form fields some token endpoints want (e.g. `scope`). */
  extraParams: z.optional(z.record(z.string(), z.string())),
});

export const SCHEDULING_MODES = ["round-robin", "sticky", "least-used", "priority"] as const;

export const accountSchema = z.strictObject({
  id: nonEmptyString,
  apiKey: z.optional(z.string()),
  /** Instead of an API key: a refresh token agw exchanges for access tokens. */
  oauth: z.optional(oauthSchema),
  /** Requests per UTC day this account may serve; unset = no limit. */
  dailyRequestLimit: z.optional(positiveInt),
  /** Input plus output tokens per UTC day this account may serve; unset = no limit. */
  dailyTokenLimit: z.optional(positiveInt),
  enabled: z._default(z.boolean(), true),
  weight: z._default(positiveInt, 1),
  priority: z._default(nonNegativeInt, 0),
  /** When set, the account serves only these upstream models. */
  models: z.optional(nonEmptyStrings),
});

/** A client key's id: letters, digits, '_', '.' or '-' (it shows in logs, metrics and the CLI). */
export const clientKeyId = z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, "an id of 1–64 letters, digits, '_', '.' or '-'"));

/** What a client key may do (auth.keys[], `agw keys create`); every limit unset means no limit. */
export const clientKeyLimitsSchema = z.strictObject({
  /** Owner or purpose, for people. */
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** Client model names or `*` globs the key may ask for; unset or empty: every model. */
  models: z.optional(nonEmptyStrings),
  /** Requests per minute. */
  rpm: z.optional(positiveInt),
  /** Input plus output tokens per minute. */
  tpm: z.optional(positiveInt),
  /** Requests per UTC day. */
  dailyRequests: z.optional(positiveInt),
  /** Input plus output tokens per UTC day. */
  dailyTokens: z.optional(positiveInt),
  /** US dollars per calendar month (UTC), by the pricing table. */
  monthlyBudgetUsd: z.optional(z.number().check(z.positive())),
  /** An ISO 8601 time after which the key is refused. */
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
  metadata: z.optional(z.record(z.string(), z.unknown())),
});

export const clientKeySchema = z
  .extend(clientKeyLimitsSchema, {
    id: clientKeyId,
    /** The secret itself (usually "${SOME_VAR}"); or keyHash. */
    key: z.optional(z.string().check(z.minLength(16, "at least 16 characters"))),
    /** The lowercase hex SHA-256 of the secret, so the config need not hold it. */
    keyHash: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/, "the lowercase hex SHA-256 of the key (64 characters)"))),
    enabled: z._default(z.boolean(), true),
  })
  .check(z.refine((key) => (key.key === undefined) !== (key.keyHash === undefined), "give exactly one of key or keyHash"));

/** USD per million tokens (and per image) for one model. */
export const priceSchema = z.strictObject({
  input: nonNegative,
  output: nonNegative,
  /** Cached input tokens; default: the input price. */
  cachedInput: z.optional(nonNegative),
  /** Reasoning tokens; default: the output price. */
  reasoning: z.optional(nonNegative),
  /** Per generated image. */
  image: z.optional(nonNegative),
});

export const providerSchema = z.strictObject({
  type: z.enum(PROVIDER_TYPES),
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  accounts: z._default(z.array(accountSchema), []),
  models: z._default(nonEmptyStrings, []),
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** How long to wait for a streamed answer's response headers, in milliseconds. */
  timeoutMs: z._default(positiveInt, 60_000),
  /**
   * How long to wait for an answer that comes whole (a request passed through
   * without streaming): its headers arrive only once all of it is generated.
   * The official OpenAI and Anthropic SDKs wait 10 minutes.
   */
  answerTimeoutMs: z._default(positiveInt, 600_000),
  /** `openai` providers: the output limit's name the upstream expects (older servers want max_tokens). */
  maxTokensField: z.optional(z.enum(["max_completion_tokens", "max_tokens"])),
  /**
   * The most output tokens per upstream model, by exact name or `*` glob
   * (`{"gemini-2.5-*": 65536}`): a larger max_tokens is clamped to it, with
   * an `x-agw-warnings: max_tokens_clamped`. Overrides the built-in table of
   * known models (src/providers/output-limits.ts); models in neither are
   * sent what the client asked for.
   */
  maxOutputTokens: z.optional(z.record(nonEmptyString, positiveInt)),
});

/**
 * A section of the config with its defaults: `section(() => shape, defaults)`
 * parses `undefined` as `defaults`. Its schema is built when a config has
 * the section: most leave most sections out, and building a zod schema at
 * start-up costs tens of microseconds a field.
 */
const section = <Shape extends z.core.$ZodLooseShape>(shape: () => Shape, defaults: z.output<z.ZodMiniObject<Shape, z.core.$strict>>) =>
  // (zod's typing of a default cannot follow a generic shape; the parameter's type checks it)
  z._default(
    z.lazy(() => z.strictObject(shape())),
    defaults as never,
  );

export const configSchema = z.strictObject({
  listen: section(
    () => ({
      host: z.optional(nonEmptyString),
      port: z._default(port, 8045),
      /** Host names (besides localhost, the listen address and IP addresses) agw answers to while auth is off. */
      allowedHosts: z._default(nonEmptyStrings, []),
    }),
    { port: 8045, allowedHosts: [] },
  ),
  cors: section(
    () => ({
      /** Web origins (`https://app.example`) whose pages may call agw, or "*" for any; requests from others are refused. */
      origins: z._default(
        z.union([z.literal("*"), z.array(z.string().check(z.regex(/^https?:\/\/[^/]+\/?$/, "an origin such as https://app.example")))]),
        [],
      ),
    }),
    { origins: [] },
  ),
  allowLanAccess: z._default(z.boolean(), false),
  auth: section(
    () => ({
      mode: z._default(z.enum(AUTH_MODES), "auto"),
      apiKey: z._default(z.string(), ""),
      /** The key for /admin routes; falls back to apiKey. */
      adminKey: z.optional(z.string()),
      /** Client keys, each with its own models, limits and budget (more can be made with agw keys create). */
      keys: z._default(z.array(clientKeySchema), []),
    }),
    { mode: "auto", apiKey: "", keys: [] },
  ),
  /**
   * Prices by model name or `*` glob (the upstream model a request was mapped
   * to, else the requested one): USD per million tokens, per image. Overrides
   * the built-in table (src/pricing/prices.ts).
   */
  pricing: z._default(z.record(nonEmptyString, priceSchema), {}),
  scheduling: section(
    () => ({
      mode: z._default(z.enum(SCHEDULING_MODES), "round-robin"),
    }),
    { mode: "round-robin" },
  ),
  /**
   * The SQLite file (or `:memory:`), or a Postgres URL
   * (`postgres://user:password@host:5432/agw`) for replicas sharing one state.
   */
  database: z._default(
    nonEmptyString.check(
      z.refine((value) => !isPostgresUrl(value) || postgresUrlProblem(value) === undefined, {
        // The URL holds a password: the message names what is wrong, never the value.
        error: (issue) => `a Postgres URL, but ${postgresUrlProblem(String(issue.input))}`,
        abort: true,
      }),
    ),
    "./agw.db",
  ),
  providers: z._default(
    z.record(z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/, "a provider name of letters, digits, '_', '.' or '-'")), providerSchema),
    {},
  ),
  /** Requested model name or pattern → `PROVIDER/MODEL`. */
  models: z._default(z.record(nonEmptyString, z.string().check(z.regex(/^[^/]+\/.+$/, "a target of the form PROVIDER/MODEL"))), {}),
  retry: section(
    () => ({
      maxAttempts: z._default(z.number().check(z.int(), z.gte(1), z.lte(20)), 3),
      /** Cooldown used after a rate limit that did not say how long to wait. */
      defaultCooldownMs: z._default(positiveInt, 30_000),
      /** No cooldown lasts longer than this, whatever the upstream said. */
      maxCooldownMs: z._default(positiveInt, 30 * 60_000),
      /** When every account rests and the first is free within this, wait for it instead of answering 429. */
      maxWaitMs: z._default(nonNegativeInt, 0),
      /** Total time the attempts of one request may take before the answer starts. */
      deadlineMs: z._default(positiveInt, 240_000),
    }),
    { maxAttempts: 3, defaultCooldownMs: 30_000, maxCooldownMs: 30 * 60_000, maxWaitMs: 0, deadlineMs: 240_000 },
  ),
  limits: section(
    () => ({
      /** Largest accepted request body, in bytes. */
      maxBodyBytes: z._default(positiveInt, 100 * 1024 * 1024),
      /** Upstream silence, in milliseconds, after which a stream gets a keep-alive frame (Anthropic `ping`). */
      keepAliveMs: z._default(positiveInt, 15_000),
      /** Deepest nesting of arrays and objects a request body may have; deeper is a 400 before any parsing. */
      maxJsonDepth: z._default(positiveInt, 128),
      /** How long a client may take to send its whole request body, in milliseconds; then 408. */
      bodyTimeoutMs: z._default(positiveInt, 30_000),
    }),
    { maxBodyBytes: 100 * 1024 * 1024, keepAliveMs: 15_000, maxJsonDepth: 128, bodyTimeoutMs: 30_000 },
  ),
  media: section(
    () => ({
      maxBytes: z._default(positiveInt, 20 * 1024 * 1024),
      timeoutMs: z._default(positiveInt, 10_000),
      /** Allow image URLs that resolve to loopback, private or link-local addresses. */
      allowPrivateNetworks: z._default(z.boolean(), false),
    }),
    { maxBytes: 20 * 1024 * 1024, timeoutMs: 10_000, allowPrivateNetworks: false },
  ),
  intercept: section(
    () => ({
      /** Answer Claude Code's warm-up probes locally, with no upstream call. */
      warmup: z._default(z.boolean(), true),
      /** Strip tools and thinking from background tasks (titles, summaries, suggestions). */
      background: z._default(z.boolean(), true),
      /** Where background tasks go: a model name resolved through `models` (e.g. "gemini/gemini-2.5-flash-lite"). */
      backgroundModel: z.optional(nonEmptyString),
    }),
    { warmup: true, background: true },
  ),
  responses: section(
    () => ({
      /** Days a stored Responses-API response (for previous_response_id) is kept. */
      retentionDays: z._default(positiveInt, 30),
      /** Most bytes all stored responses may take in the database; past it the oldest go first. */
      maxStoredBytes: z._default(positiveInt, 256 * 1024 * 1024),
    }),
    { retentionDays: 30, maxStoredBytes: 256 * 1024 * 1024 },
  ),
  secrets: section(
    () => ({
      /**
       * 32 random bytes in base64 (`openssl rand -base64 32`; usually "${AGW_SECRET_KEY}"): upstream
       * credentials and OAuth tokens are then stored AES-256-GCM-encrypted, and agw refuses to start
       * with a key that does not open them.
       */
      key: z.optional(
        z
          .string()
          .check(
            z.refine(
              (text) => Buffer.from(text.trim(), "base64").length === 32,
              "32 random bytes in base64 (make one with: openssl rand -base64 32)",
            ),
          ),
      ),
    }),
    {},
  ),
  shutdown: section(
    () => ({
      /** On SIGTERM/SIGINT, how long open requests may go on before each is ended with an error its client sees. */
      drainMs: z._default(nonNegativeInt, 10_000),
    }),
    { drainMs: 10_000 },
  ),
  logging: section(
    () => ({
      /** Write one row per request to the database. */
      requests: z._default(z.boolean(), true),
      /** Days of request logs to keep; older rows are deleted at start-up and daily. */
      retentionDays: z._default(positiveInt, 30),
      /** The process's own lines on stdout/stderr: "text" for a terminal, "json" (one object per line) for journald and log shippers. */
      format: z._default(z.enum(["text", "json"]), "text"),
      /** One line per finished request (route, status, latency, model, account; never a key or body). */
      access: z._default(z.boolean(), false),
    }),
    { requests: true, retentionDays: 30, format: "text", access: false },
  ),
  metrics: section(
    () => ({
      /** Serve GET /metrics without a key; otherwise it needs auth.adminKey (else auth.apiKey), like the admin API. */
      public: z._default(z.boolean(), false),
    }),
    { public: false },
  ),
});

export type Config = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type AuthMode = (typeof AUTH_MODES)[number];
export type ClientKeyConfig = z.infer<typeof clientKeySchema>;
export type Price = z.infer<typeof priceSchema>;
