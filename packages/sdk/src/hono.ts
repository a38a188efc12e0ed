// Hono middleware: `app.get("/vehicles", requireKey(keyward, ["vehicles:read"], { ip }), handler)`,
// then `c.get("keyward")`, typed. Hono runs on many runtimes, each with its own way to know the
// client's address (and its own proxies to trust), so the IP comes from an `ip` option; without
// it none is sent, and a key with an IP allowlist is refused.
import type { Context, MiddlewareHandler } from "hono";
import { checkRequest } from "./http.js";
import type { Keyward } from "./keyward.js";
import type { KeywardIdentity } from "./types.js";

/** The variables `requireKey` sets: `c.get("keyward")`. */
export interface KeywardEnv {
  Variables: { keyward: KeywardIdentity };
}

export interface RequireKeyOptions {
  /** The client's IP, e.g. `(c) => getConnInfo(c).remote.address` on Node. */
  ip?: (c: Context) => string | undefined;
  /** Rate-limit points a request consumes (default 1). */
  cost?: number;
}

/** Refuses a request without a valid key holding `scopes`, as Keyward's API would; else sets `c.get("keyward")`. */
export function requireKey(
  keyward: Keyward,
  scopes?: readonly string[],
  options: RequireKeyOptions = {},
): MiddlewareHandler<KeywardEnv> {
  return async (c, next) => {
    const ip = options.ip?.(c);
    const result = await checkRequest(keyward, {
      header: (name) => c.req.header(name),
      ...(scopes === undefined ? {} : { scopes }),
      ...(ip === undefined ? {} : { ip }),
      ...(options.cost === undefined ? {} : { cost: options.cost }),
    });
    if (result.refusal) {
      const { status, headers, body } = result.refusal;
      return c.json(body, status as 401, headers);
    }
    c.set("keyward", result.identity);
    for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
    await next();
  };
}

export type { KeywardIdentity } from "./types.js";
