// The one way the API sends a request to a URL a customer chose (alert webhooks). Such a URL must
// not reach the operator's own network, or the webhook becomes a port scanner that reports back:
// the host is resolved once, every address of the answer must be public (auth-core's
// outbound-target.ts), and the socket connects to the address that was checked, through a `lookup`
// that returns it, so no second DNS answer (rebinding) is ever used; Host and TLS SNI stay the URL's
// name. Redirects are not followed (a 3xx is the answer). Hosts in KEYWARD_WEBHOOK_ALLOW_HOSTS skip
// the address check only.
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { type AllowedHosts, isAllowedHost, isPublicAddress } from "@keyward/auth-core";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to (the system resolver, /etc/hosts included). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface OutboundRequest {
  method: "POST";
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type OutboundResult =
  /** The receiver answered (any status; a redirect is not followed). */
  | { kind: "response"; status: number }
  /** Not sent: no connection was opened. */
  | { kind: "refused"; reason: string }
  /** DNS, connection, TLS or timeout. */
  | { kind: "failed"; error: string };

export class UserUrlClient {
  readonly #allowed: AllowedHosts;
  readonly #resolve: Resolve;

  constructor(opts: { allowed: AllowedHosts; resolve?: Resolve }) {
    this.#allowed = opts.allowed;
    this.#resolve = opts.resolve ?? systemResolve;
  }

  async send(target: string, request: OutboundRequest): Promise<OutboundResult> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { kind: "refused", reason: "Not a valid URL" };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return { kind: "refused", reason: "Only http:// and https:// URLs are sent to" };
    const signal = AbortSignal.timeout(request.timeoutMs);
    try {
      const resolved = await this.#addressOf(url, signal);
      if ("reason" in resolved) return { kind: "refused", reason: resolved.reason };
      return { kind: "response", status: await this.#request(url, resolved, request, signal) };
    } catch (err) {
      if (signal.aborted) return { kind: "failed", error: "Timed out" };
      const error = err as NodeJS.ErrnoException;
      return { kind: "failed", error: error.code ?? error.message };
    }
  }

  /** The one address to connect to, after every address of the host was checked; or why none may be. */
  async #addressOf(url: URL, signal: AbortSignal): Promise<ResolvedAddress | { reason: string }> {
    const allowed = isAllowedHost(url, this.#allowed);
    // The URL parser already turned `127.1`, `2130706433` and `[::ffff:127.0.0.1]` into plain IPs.
    const literal = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const family = isIP(literal);
    if (family !== 0) {
      if (!allowed && !isPublicAddress(literal)) return { reason: "The address is inside a private network" };
      return { address: literal, family };
    }
    const answer = await abortable(this.#resolve(literal), signal);
    if (answer.length === 0) throw Object.assign(new Error("No address"), { code: "ENOTFOUND" });
    // Every address, not only the one used: a mixed answer is how a rebinding attack starts.
    if (!allowed && answer.some((a) => !isPublicAddress(a.address)))
      return { reason: "The host resolves to an address inside a private network" };
    return answer[0] as ResolvedAddress;
  }

  #request(url: URL, pinned: ResolvedAddress, request: OutboundRequest, signal: AbortSignal): Promise<number> {
    // Whatever the socket asks for, it gets the address that was checked.
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as (err: null, all: ResolvedAddress[]) => void)(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    const send = url.protocol === "https:" ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, {
        method: request.method,
        headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
        // A fresh connection each time: a pooled socket would skip the check of this request.
        agent: false,
        lookup,
        signal,
      });
      req.on("response", (res) => {
        // Only the status matters; the body is never read, so a receiver cannot stream at us.
        res.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(request.body);
    });
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
