/**
 * Versioned schema migrations. Each entry runs once, in order, inside a
 * transaction; `PRAGMA user_version` records how far a database has come.
 * Never edit a released migration: append a new one.
 */
export const migrations: readonly string[] = [
  // 1: accounts, their cooldown state per model, and request logs.
  `
  CREATE TABLE accounts (
    provider    TEXT NOT NULL,
    id          TEXT NOT NULL,
    credentials TEXT NOT NULL DEFAULT '{}',
    enabled     INTEGER NOT NULL DEFAULT 1,
    weight      INTEGER NOT NULL DEFAULT 1,
    priority    INTEGER NOT NULL DEFAULT 0,
    models      TEXT,
    source      TEXT NOT NULL DEFAULT 'config',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (provider, id)
  ) WITHOUT ROWID;

  CREATE TABLE account_state (
    provider       TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    model          TEXT NOT NULL DEFAULT '',
    cooldown_until INTEGER NOT NULL DEFAULT 0,
    reason         TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (provider, account_id, model)
  ) WITHOUT ROWID;

  CREATE TABLE request_logs (
    id              TEXT PRIMARY KEY,
    started_at      INTEGER NOT NULL,
    route           TEXT NOT NULL,
    protocol        TEXT,
    requested_model TEXT,
    mapped_model    TEXT,
    provider        TEXT,
    account_id      TEXT,
    stream          INTEGER NOT NULL DEFAULT 0,
    status          INTEGER NOT NULL,
    latency_ms      INTEGER,
    ttfb_ms         INTEGER,
    input_tokens    INTEGER,
    output_tokens   INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    error_class     TEXT
  );
  CREATE INDEX request_logs_started_at ON request_logs (started_at);
  `,
  // 2: requests answered or rerouted by an interception (warmup, title, summary…).
  `ALTER TABLE request_logs ADD COLUMN intercepted TEXT;`,
  // 3: stored Responses-API responses, so previous_response_id survives restarts.
  `
  CREATE TABLE responses (
    id                   TEXT PRIMARY KEY,
    created_at           INTEGER NOT NULL,
    previous_response_id TEXT,
    input                TEXT NOT NULL,
    output               TEXT NOT NULL,
    response             TEXT NOT NULL
  );
  CREATE INDEX responses_created_at ON responses (created_at);
  `,
  // 4: the account pool: why an account was taken out, daily limits and usage, OAuth tokens,
  // and every attempt of a request in its log row.
  `
  ALTER TABLE accounts ADD COLUMN disabled_reason TEXT;
  ALTER TABLE accounts ADD COLUMN daily_request_limit INTEGER;
  ALTER TABLE accounts ADD COLUMN daily_token_limit INTEGER;
  CREATE TABLE account_usage (
    provider      TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    model         TEXT NOT NULL,
    day           TEXT NOT NULL,
    requests      INTEGER NOT NULL DEFAULT 0,
    input_tokens  INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (provider, account_id, model, day)
  ) WITHOUT ROWID;
  CREATE TABLE oauth_tokens (
    provider      TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    access_token  TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    refresh_token TEXT,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (provider, account_id)
  ) WITHOUT ROWID;
  ALTER TABLE request_logs ADD COLUMN attempt_details TEXT;
  `,
  // 5: stored output items by id, for input items that reference them (item_reference, a bare id,
  // a reasoning item without its content). A row holds what a reference to the id stands for:
  // the item, preceded by any items the client never saw (signatures it did not ask for).
  // Responses stored before keep their output items, one each.
  `
  CREATE TABLE response_items (
    id          TEXT PRIMARY KEY,
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    items       TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX response_items_response_id ON response_items (response_id);
  INSERT OR IGNORE INTO response_items (id, response_id, items)
    SELECT json_extract(item.value, '$.id'), responses.id, json_array(json(item.value))
    FROM responses, json_each(responses.output) AS item
    WHERE json_type(item.value, '$.id') = 'text';
  `,
  // 6: each stored response's size in bytes (its JSON texts and its items), so the store can be
  // held under responses.maxStoredBytes, oldest first, without reading the texts back.
  `
  ALTER TABLE responses ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
  UPDATE responses SET size = length(CAST(input AS BLOB)) + length(CAST(output AS BLOB)) + length(CAST(response AS BLOB))
    + COALESCE((SELECT SUM(length(CAST(items AS BLOB))) FROM response_items WHERE response_id = responses.id), 0);
  `,
  // 7: what the upstream could not honour as asked (a clamped max_tokens, an ignored field), as a
  // JSON array of {code, message}; the codes are the ones sent in x-agw-warnings.
  `ALTER TABLE request_logs ADD COLUMN warnings TEXT;`,
  // 8: the requests where an attempt failed (the answer failed, or it took more than one attempt), by
  // time: each account's last failure is found without reading every request of the day.
  `CREATE INDEX request_logs_failed ON request_logs (started_at) WHERE status >= 400 OR attempts > 1;`,
  // 9: client keys (only a SHA-256 of each secret is kept), their usage and spend per UTC day, and
  // which key and what cost each request-log row was.
  `
  CREATE TABLE client_keys (
    id                 TEXT PRIMARY KEY,
    hash               TEXT NOT NULL UNIQUE,
    name               TEXT,
    models             TEXT,
    rpm                INTEGER,
    tpm                INTEGER,
    daily_requests     INTEGER,
    daily_tokens       INTEGER,
    monthly_budget_usd REAL,
    expires_at         INTEGER,
    enabled            INTEGER NOT NULL DEFAULT 1,
    revoked_at         INTEGER,
    metadata           TEXT,
    source             TEXT NOT NULL DEFAULT 'cli',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE client_key_usage (
    key_id        TEXT NOT NULL,
    day           TEXT NOT NULL,
    requests      INTEGER NOT NULL DEFAULT 0,
    input_tokens  INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd      REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
  ) WITHOUT ROWID;
  ALTER TABLE request_logs ADD COLUMN key_id TEXT;
  ALTER TABLE request_logs ADD COLUMN cost_usd REAL;
  `,
  // 10: how many images a request's answer held (image models); never their bytes.
  `ALTER TABLE request_logs ADD COLUMN images INTEGER;`,
];
