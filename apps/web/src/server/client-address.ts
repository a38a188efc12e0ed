// The client's IP in the dashboard. `next start` keeps a client's own X-Forwarded-For (it only fills
// the header in when it is absent), so nothing inside Next can tell the socket's peer from what the
// client claims. The dashboard's server (server.ts) therefore works it out per request, by the same
// TRUST_PROXY rule as the API (auth-core's clientIp), and hands it to the app in a header of its own,
// replacing any copy a client sent.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { clientIp, type TrustProxy } from "@keyward/auth-core";

export const CLIENT_IP_HEADER = "x-keyward-client-ip";

// Set by server.ts: without it (a bare `next start`) the header may be a client's and is ignored.
const STAMPING = Symbol.for("keyward.web.stampsClientIp");
const holder = globalThis as typeof globalThis & { [STAMPING]?: boolean };

/** Called by server.ts before Next loads: every request that reaches the app carries CLIENT_IP_HEADER from here on. */
export function declareClientIpStamping(): void {
  holder[STAMPING] = true;
}

/** Replaces CLIENT_IP_HEADER with the client's IP as TRUST_PROXY's rule finds it (removed when there is none). */
export function stampClientIp(req: IncomingMessage, trust: TrustProxy): void {
  const ip = clientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trust);
  if (ip) req.headers[CLIENT_IP_HEADER] = ip;
  else delete req.headers[CLIENT_IP_HEADER];
}

/** The client's IP stamped by server.ts, or null (unknown, or not running behind server.ts). */
export function stampedClientIp(headers: Headers): string | null {
  if (holder[STAMPING] !== true) return null;
  return headers.get(CLIENT_IP_HEADER) || null;
}

/**
 * Sets X-Forwarded-Proto, which next-auth reads to decide Secure cookies: `https` when this server's own
 * TLS carried the request; the nearest proxy's value (the last in the list, as Fastify reads it in the
 * API) when the socket's peer is a trusted proxy (it terminated TLS); otherwise `http`. A client's own
 * copy is never believed.
 */
export function stampForwardedProto(req: IncomingMessage, trust: TrustProxy): void {
  if ((req.socket as TLSSocket).encrypted) {
    req.headers["x-forwarded-proto"] = "https";
    return;
  }
  const claimed = req.headers["x-forwarded-proto"];
  const peer = req.socket.remoteAddress;
  const nearest = typeof claimed === "string" ? claimed.split(",").pop()?.trim().toLowerCase() : undefined;
  const proxied = peer !== undefined && trust(peer, 0) && (nearest === "https" || nearest === "http");
  req.headers["x-forwarded-proto"] = proxied ? nearest : "http";
}
