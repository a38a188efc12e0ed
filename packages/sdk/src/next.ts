// Next.js (App Router): `export const GET = withKeyward(keyward, { scopes: ["vehicles:read"] }, handler)`
// for a route handler, and `verifyRequest` for middleware (proxy.ts) or any code holding a Request.
// Only the web's Request and Response are used, so both work on the Node and Edge runtimes. Next
// gives a route no trusted client address, so the IP comes from an `ip` option (default none: a
// key with an IP allowlist is refused).
import { checkRequest, type KeyCheckResult } from "./http.js";
import type { Keyward } from "./keyward.js";
import type { KeywardIdentity } from "./types.js";

export interface KeywardRouteOptions {
  /** Scopes the route needs; all must be held. */
  scopes?: readonly string[];
  /** The client's IP, from whatever your deployment trusts (never a raw X-Forwarded-For). */
  ip?: (request: Request) => string | undefined;
  /** Rate-limit points a request consumes (default 1). */
  cost?: number;
}

export type VerifiedRequest =
  | { identity: KeywardIdentity; headers: Record<string, string>; response?: never }
  | { identity?: never; response: Response };

/** Checks a request's key: its identity (and RateLimit-* headers to send), or Keyward's refusal as a Response. */
export async function verifyRequest(
  keyward: Keyward,
  request: Request,
  options: KeywardRouteOptions = {},
): Promise<VerifiedRequest> {
  const ip = options.ip?.(request);
  const result: KeyCheckResult = await checkRequest(keyward, {
    header: (name) => request.headers.get(name) ?? undefined,
    ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
    ...(ip === undefined ? {} : { ip }),
    ...(options.cost === undefined ? {} : { cost: options.cost }),
  });
  if (result.refusal) {
    const { status, headers, body } = result.refusal;
    return { response: Response.json(body, { status, headers }) };
  }
  return { identity: result.identity, headers: result.headers };
}

/**
 * A route handler that runs `handler` only for a valid key holding the scopes, with its identity.
 * `keyward` may be a function returning the client, called at each request: `next build` imports
 * route modules to read their config, where the service's secrets may not be set.
 */
export function withKeyward<Context>(
  keyward: Keyward | (() => Keyward),
  options: KeywardRouteOptions,
  handler: (request: Request, identity: KeywardIdentity, context: Context) => Response | Promise<Response>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    const verified = await verifyRequest(typeof keyward === "function" ? keyward() : keyward, request, options);
    if (verified.response) return verified.response;
    let response = await handler(request, verified.identity, context);
    for (const [name, value] of Object.entries(verified.headers)) {
      try {
        response.headers.set(name, value);
      } catch {
        // Immutable headers (a fetched or redirect Response): the same response, with headers of its own.
        response = new Response(response.body, response);
        response.headers.set(name, value);
      }
    }
    return response;
  };
}

export type { KeywardIdentity } from "./types.js";
