import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";

/**
 * The client's IP, one rule for the API, the guard and the dashboard: X-Forwarded-For is believed
 * only as far as the hops it passed through are trusted proxies (TRUST_PROXY). The parsing and the
 * walk are @fastify/proxy-addr's, the code Fastify itself runs, so `request.ip` in the API and
 * `clientIp` in the dashboard give the same answer for the same request.
 */

/** Whether the address at hop `hop` (0: the socket's peer, then X-Forwarded-For from the right) is a trusted proxy. */
export type TrustProxy = (address: string, hop: number) => boolean;

export const TRUST_NO_PROXY: TrustProxy = () => false;

/**
 * TRUST_PROXY:
 *   unset, empty or `false`  no proxy: the client is the socket's peer
 *   a number N               the N nearest hops are proxies (only when nothing reaches the server around them)
 *   IPs/CIDRs, comma-separated, or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`: peers
 *                            in these ranges are proxies
 * `true` (trust every peer) is refused: with it any client picks its own IP in one header.
 * Throws an Error that says what is wrong.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? "";
  if (text === "" || text === "false") return TRUST_NO_PROXY;
  if (text === "true") {
    throw new Error(
      "`true` (trust X-Forwarded-For from anyone) is no longer accepted: any client could choose its IP. " +
        "List your proxies' IPs or CIDRs (e.g. 10.0.0.0/8,127.0.0.1) or give the number of proxies in front (e.g. 1).",
    );
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 64) throw new Error(`${text} hops: give the number of proxies in front of the server (at most 64)`);
    return (_address, hop) => hop < hops;
  }
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.some((entry) => entry === "")) throw new Error("an empty entry in the comma-separated list");
  try {
    return proxyAddr.compile(entries);
  } catch (error) {
    throw new Error(`${(error as Error).message}: expected comma-separated IPs/CIDRs or a number of hops`);
  }
}

/**
 * The client's IP for a connection from `remoteAddress` that carried `forwardedFor` (X-Forwarded-For;
 * repeated headers are read as one list): the nearest address that is not a trusted proxy.
 * Null when the socket has no address (already closed).
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | readonly string[] | null | undefined,
  trust: TrustProxy,
): string | null {
  if (!remoteAddress) return null;
  const header = typeof forwardedFor === "string" ? forwardedFor : forwardedFor?.join(", ");
  // proxy-addr reads only these two fields of the request.
  const request = { socket: { remoteAddress }, headers: { "x-forwarded-for": header } };
  const addresses = proxyAddr.all(request as unknown as IncomingMessage, trust);
  return addresses[addresses.length - 1] ?? null;
}
