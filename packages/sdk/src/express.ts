// Express middleware: `app.get("/vehicles", requireKey(keyward, ["vehicles:read"]), handler)`.
// The client's IP is `req.ip`: Express's own `trust proxy` setting decides what it is.
import type { RequestHandler } from "express";
import { checkRequest } from "./http.js";
import type { Keyward } from "./keyward.js";
import type { KeywardIdentity } from "./types.js";

declare global {
  namespace Express {
    interface Request {
      /** The verified key's identity, set by `requireKey`. */
      keyward?: KeywardIdentity;
    }
  }
}

export interface RequireKeyOptions {
  /** Rate-limit points a request consumes (default 1). */
  cost?: number;
}

/** Refuses a request without a valid key holding `scopes`, as Keyward's API would; else sets `req.keyward`. */
export function requireKey(
  keyward: Keyward,
  scopes?: readonly string[],
  options: RequireKeyOptions = {},
): RequestHandler {
  return async (req, res, next) => {
    const result = await checkRequest(keyward, {
      header: (name) => req.get(name),
      ...(scopes === undefined ? {} : { scopes }),
      ...(req.ip === undefined ? {} : { ip: req.ip }),
      ...(options.cost === undefined ? {} : { cost: options.cost }),
    });
    if (result.refusal) {
      res.status(result.refusal.status).set(result.refusal.headers).json(result.refusal.body);
      return;
    }
    req.keyward = result.identity;
    res.set(result.headers);
    next();
  };
}

export type { KeywardIdentity } from "./types.js";
