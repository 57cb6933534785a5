/**
 * A real OAuth token endpoint on a local port, for tests: it counts the
 * requests it gets, records their form fields, and answers as told.
 */
export type TokenEndpointBehavior =
  /** A token; with `rotate`, a new refresh token too; with `expiresIn: null`, no expires_in. */
  | { kind: "token"; expiresIn?: number | null; rotate?: boolean; delayMs?: number }
  /** A 400 `invalid_grant` (or another error code) whose description echoes the secrets it received. */
  | { kind: "error"; status?: number; error?: string }
  | { kind: "server-error" }
  /** Never answers (until the endpoint stops). */
  | { kind: "hang" };

export interface TokenRequest {
  contentType: string | null;
  form: Record<string, string>;
}

export interface TokenEndpoint {
  url: string;
  requests: TokenRequest[];
  behavior: TokenEndpointBehavior;
  stop(): Promise<void>;
}

export function startTokenEndpoint(behavior: TokenEndpointBehavior = { kind: "token" }): TokenEndpoint {
  let issued = 0;
  let release: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (release = resolve));
  const endpoint: TokenEndpoint = {
    url: "",
    requests: [],
    behavior,
    stop: async () => {
      release();
      await server.stop(true);
    },
  };
  const server = Bun.serve({
    port: 0,
    async fetch(request) {
      const form = Object.fromEntries(new URLSearchParams(await request.text()));
      endpoint.requests.push({ contentType: request.headers.get("content-type"), form });
      const current = endpoint.behavior;
      switch (current.kind) {
        case "hang":
          await stopped;
          return new Response(null, { status: 503 });
        case "server-error":
          return new Response("upstream exploded", { status: 500 });
        case "error":
          return Response.json(
            {
              error: current.error ?? "invalid_grant",
              error_description: `refresh token ${form.refresh_token} of a client with secret ${form.client_secret} is revoked`,
            },
            { status: current.status ?? 400 },
          );
        case "token": {
          if (current.delayMs !== undefined) await Bun.sleep(current.delayMs);
          issued += 1;
          const body: Record<string, unknown> = { access_token: `access-${issued}`, token_type: "Bearer" };
          if (current.expiresIn !== null) body.expires_in = current.expiresIn ?? 3600;
          if (current.rotate) body.refresh_token = `rotated-${issued}`;
          return Response.json(body);
        }
      }
    },
  });
  endpoint.url = new URL("/token", server.url).href;
  return endpoint;
}
