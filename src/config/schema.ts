import { z } from "zod";
import { isPostgresUrl, postgresUrlProblem } from "../util/postgres-url.ts";

/** Provider types this build understands. The registry in src/providers/index.ts implements them. */
export const PROVIDER_TYPES = ["gemini", "openai", "anthropic", "mock"] as const;
export const AUTH_MODES = ["off", "strict", "all_except_health", "auto"] as const;

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

/** An OAuth refresh-token grant: agw exchanges it for access tokens and keeps them fresh. */
export const oauthSchema = z.strictObject({
  tokenUrl: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  clientSecret: z.string().optional(),
  refreshToken: z.string().min(1),
  /** Extra form fields some token endpoints want (e.g. `scope`). */
  extraParams: z.record(z.string(), z.string()).optional(),
});

export const SCHEDULING_MODES = ["round-robin", "sticky", "least-used", "priority"] as const;

export const accountSchema = z.strictObject({
  id: z.string().min(1),
  apiKey: z.string().optional(),
  /** Instead of an API key: a refresh token agw exchanges for access tokens. */
  oauth: oauthSchema.optional(),
  /** Requests per UTC day this account may serve; unset = no limit. */
  dailyRequestLimit: positiveInt.optional(),
  /** Input plus output tokens per UTC day this account may serve; unset = no limit. */
  dailyTokenLimit: positiveInt.optional(),
  enabled: z.boolean().default(true),
  weight: positiveInt.default(1),
  priority: z.number().int().min(0).default(0),
  /** When set, the account serves only these upstream models. */
  models: z.array(z.string().min(1)).optional(),
});

/** A client key's id: letters, digits, '_', '.' or '-' (it shows in logs, metrics and the CLI). */
export const clientKeyId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "an id of 1–64 letters, digits, '_', '.' or '-'");

/** What a client key may do (auth.keys[], `agw keys create`); every limit unset means no limit. */
export const clientKeyLimitsSchema = z.strictObject({
  /** Owner or purpose, for people. */
  name: z.string().min(1).max(200).optional(),
  /** Client model names or `*` globs the key may ask for; unset or empty: every model. */
  models: z.array(z.string().min(1)).optional(),
  /** Requests per minute. */
  rpm: positiveInt.optional(),
  /** Input plus output tokens per minute. */
  tpm: positiveInt.optional(),
  /** Requests per UTC day. */
  dailyRequests: positiveInt.optional(),
  /** Input plus output tokens per UTC day. */
  dailyTokens: positiveInt.optional(),
  /** US dollars per calendar month (UTC), by the pricing table. */
  monthlyBudgetUsd: z.number().positive().optional(),
  /** An ISO 8601 time after which the key is refused. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const clientKeySchema = clientKeyLimitsSchema
  .extend({
    id: clientKeyId,
    /** The secret itself (usually "${SOME_VAR}"); or keyHash. */
    key: z.string().min(16, "at least 16 characters").optional(),
    /** The lowercase hex SHA-256 of the secret, so the config need not hold it. */
    keyHash: z.string().regex(/^[0-9a-f]{64}$/, "the lowercase hex SHA-256 of the key (64 characters)").optional(),
    enabled: z.boolean().default(true),
  })
  .refine((key) => (key.key === undefined) !== (key.keyHash === undefined), "give exactly one of key or keyHash");

/** USD per million tokens (and per image) for one model. */
export const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  /** Cached input tokens; default: the input price. */
  cachedInput: z.number().min(0).optional(),
  /** Reasoning tokens; default: the output price. */
  reasoning: z.number().min(0).optional(),
  /** Per generated image. */
  image: z.number().min(0).optional(),
});

export const providerSchema = z.strictObject({
  type: z.enum(PROVIDER_TYPES),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  accounts: z.array(accountSchema).default([]),
  models: z.array(z.string().min(1)).default([]),
  headers: z.record(z.string(), z.string()).default({}),
  /** How long to wait for the upstream's response headers, in milliseconds. */
  timeoutMs: positiveInt.default(60_000),
  /** `openai` providers: the output limit's name the upstream expects (older servers want max_tokens). */
  maxTokensField: z.enum(["max_completion_tokens", "max_tokens"]).optional(),
  /**
   * The most output tokens per upstream model, by exact name or `*` glob
   * (`{"gemini-2.5-*": 65536}`): a larger max_tokens is clamped to it, with
   * an `x-agw-warnings: max_tokens_clamped`. Overrides the built-in table of
   * known models (src/providers/output-limits.ts); models in neither are
   * sent what the client asked for.
   */
  maxOutputTokens: z.record(z.string().min(1), positiveInt).optional(),
});

export const configSchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: port.default(8045),
      /** Host names (besides localhost, the listen address and IP addresses) agw answers to while auth is off. */
      allowedHosts: z.array(z.string().min(1)).default([]),
    })
    .default({ port: 8045, allowedHosts: [] }),
  cors: z
    .strictObject({
      /** Web origins (`https://app.example`) whose pages may call agw, or "*" for any; requests from others are refused. */
      origins: z.union([z.literal("*"), z.array(z.string().regex(/^https?:\/\/[^/]+\/?$/, "an origin such as https://app.example"))]).default([]),
    })
    .default({ origins: [] }),
  allowLanAccess: z.boolean().default(false),
  auth: z
    .strictObject({
      mode: z.enum(AUTH_MODES).default("auto"),
      apiKey: z.string().default(""),
      /** The key for /admin routes; falls back to apiKey. */
      adminKey: z.string().optional(),
      /** Client keys, each with its own models, limits and budget (more can be made with agw keys create). */
      keys: z.array(clientKeySchema).default([]),
    })
    .default({ mode: "auto", apiKey: "", keys: [] }),
  /**
   * Prices by model name or `*` glob (the upstream model a request was mapped
   * to, else the requested one): USD per million tokens, per image. Overrides
   * the built-in table (src/pricing/prices.ts).
   */
  pricing: z.record(z.string().min(1), priceSchema).default({}),
  scheduling: z
    .strictObject({
      mode: z.enum(SCHEDULING_MODES).default("round-robin"),
    })
    .default({ mode: "round-robin" }),
  /**
   * The SQLite file (or `:memory:`), or a Postgres URL
   * (`postgres://user:password@host:5432/agw`) for replicas sharing one state.
   */
  database: z
    .string()
    .min(1)
    .refine((value) => !isPostgresUrl(value) || postgresUrlProblem(value) === undefined, {
      // The URL holds a password: the message names what is wrong, never the value.
      error: (issue) => `a Postgres URL, but ${postgresUrlProblem(String(issue.input))}`,
      abort: true,
    })
    .default("./agw.db"),
  providers: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "a provider name of letters, digits, '_', '.' or '-'"), providerSchema)
    .default({}),
  /** Requested model name or pattern → `PROVIDER/MODEL`. */
  models: z.record(z.string().min(1), z.string().regex(/^[^/]+\/.+$/, "a target of the form PROVIDER/MODEL")).default({}),
  retry: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).default(3),
      /** Cooldown used after a rate limit that did not say how long to wait. */
      defaultCooldownMs: positiveInt.default(30_000),
      /** No cooldown lasts longer than this, whatever the upstream said. */
      maxCooldownMs: positiveInt.default(30 * 60_000),
      /** When every account rests and the first is free within this, wait for it instead of answering 429. */
      maxWaitMs: z.number().int().min(0).default(0),
      /** Total time the attempts of one request may take before the answer starts. */
      deadlineMs: positiveInt.default(240_000),
    })
    .default({ maxAttempts: 3, defaultCooldownMs: 30_000, maxCooldownMs: 30 * 60_000, maxWaitMs: 0, deadlineMs: 240_000 }),
  limits: z
    .strictObject({
      /** Largest accepted request body, in bytes. */
      maxBodyBytes: positiveInt.default(100 * 1024 * 1024),
      /** Upstream silence, in milliseconds, after which a stream gets a keep-alive frame (Anthropic `ping`). */
      keepAliveMs: positiveInt.default(15_000),
      /** Deepest nesting of arrays and objects a request body may have; deeper is a 400 before any parsing. */
      maxJsonDepth: positiveInt.default(128),
      /** How long a client may take to send its whole request body, in milliseconds; then 408. */
      bodyTimeoutMs: positiveInt.default(30_000),
    })
    .default({ maxBodyBytes: 100 * 1024 * 1024, keepAliveMs: 15_000, maxJsonDepth: 128, bodyTimeoutMs: 30_000 }),
  media: z
    .strictObject({
      maxBytes: positiveInt.default(20 * 1024 * 1024),
      timeoutMs: positiveInt.default(10_000),
      /** Allow image URLs that resolve to loopback, private or link-local addresses. */
      allowPrivateNetworks: z.boolean().default(false),
    })
    .default({ maxBytes: 20 * 1024 * 1024, timeoutMs: 10_000, allowPrivateNetworks: false }),
  intercept: z
    .strictObject({
      /** Answer Claude Code's warm-up probes locally, with no upstream call. */
      warmup: z.boolean().default(true),
      /** Strip tools and thinking from background tasks (titles, summaries, suggestions). */
      background: z.boolean().default(true),
      /** Where background tasks go: a model name resolved through `models` (e.g. "gemini/gemini-2.5-flash-lite"). */
      backgroundModel: z.string().min(1).optional(),
    })
    .default({ warmup: true, background: true }),
  responses: z
    .strictObject({
      /** Days a stored Responses-API response (for previous_response_id) is kept. */
      retentionDays: positiveInt.default(30),
      /** Most bytes all stored responses may take in the database; past it the oldest go first. */
      maxStoredBytes: positiveInt.default(256 * 1024 * 1024),
    })
    .default({ retentionDays: 30, maxStoredBytes: 256 * 1024 * 1024 }),
  secrets: z
    .strictObject({
      /**
       * 32 random bytes in base64 (`openssl rand -base64 32`; usually "${AGW_SECRET_KEY}"): upstream
       * credentials and OAuth tokens are then stored AES-256-GCM-encrypted, and agw refuses to start
       * with a key that does not open them.
       */
      key: z
        .string()
        .refine((text) => Buffer.from(text.trim(), "base64").length === 32, "32 random bytes in base64 (make one with: openssl rand -base64 32)")
        .optional(),
    })
    .default({}),
  shutdown: z
    .strictObject({
      /** On SIGTERM/SIGINT, how long open requests may go on before each is ended with an error its client sees. */
      drainMs: z.number().int().min(0).default(10_000),
    })
    .default({ drainMs: 10_000 }),
  logging: z
    .strictObject({
      /** Write one row per request to the database. */
      requests: z.boolean().default(true),
      /** Days of request logs to keep; older rows are deleted at start-up and daily. */
      retentionDays: positiveInt.default(30),
      /** The process's own lines on stdout/stderr: "text" for a terminal, "json" (one object per line) for journald and log shippers. */
      format: z.enum(["text", "json"]).default("text"),
      /** One line per finished request (route, status, latency, model, account; never a key or body). */
      access: z.boolean().default(false),
    })
    .default({ requests: true, retentionDays: 30, format: "text", access: false }),
  metrics: z
    .strictObject({
      /** Serve GET /metrics without a key; otherwise it needs auth.adminKey (else auth.apiKey), like the admin API. */
      public: z.boolean().default(false),
    })
    .default({ public: false }),
});

export type Config = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type AuthMode = (typeof AUTH_MODES)[number];
export type ClientKeyConfig = z.infer<typeof clientKeySchema>;
export type Price = z.infer<typeof priceSchema>;
