import ipaddr from "ipaddr.js";

/**
 * Where Keyward may send a request whose URL a customer chose (alert webhooks): only to public
 * unicast addresses, unless the operator allowed the host with KEYWARD_WEBHOOK_ALLOW_HOSTS.
 * Everything else (loopback, private, link-local and cloud metadata, carrier-grade NAT, unspecified,
 * multicast, reserved, IPv6 outside 2000::/3, and IPv4 hidden in IPv6: mapped, NAT64, 6to4, Teredo)
 * would turn the webhook into a probe of the operator's own network. Pure: the DNS answer is
 * checked by the caller that resolves (apps/api/src/outbound).
 */

/** Hosts (`host` or `host:port`) the operator allows although they are not public: local receivers, tests. */
export interface AllowedHosts {
  readonly entries: readonly { host: string; port: number | null }[];
}

export const NO_ALLOWED_HOSTS: AllowedHosts = { entries: [] };

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const ENTRY = /^(\[[^\]]+\]|[^:[\]/?#@\s]+)(?::(\d{1,5}))?$/;

/** Names that resolve inside the network by convention; a single-label name goes through the search domains. */
const LOCAL_SUFFIXES = [".localhost", ".local", ".localdomain", ".internal", ".intranet", ".lan", ".home.arpa"];

/** A host as compared here: lower case (the URL parser already did it), without the root's trailing dot. */
const bare = (hostname: string) => hostname.replace(/\.$/, "");

/** `KEYWARD_WEBHOOK_ALLOW_HOSTS`: comma-separated `host` or `host:port`; throws on an entry that is neither. */
export function parseAllowedHosts(list: string | undefined): AllowedHosts {
  const entries: { host: string; port: number | null }[] = [];
  for (const raw of (list ?? "").split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const match = ENTRY.exec(entry);
    let host: string | null = null;
    try {
      // The URL parser writes the host the way it will read it from a webhook URL (`127.1` is `127.0.0.1`).
      if (match?.[1]) host = bare(new URL(`http://${match[1]}/`).hostname);
    } catch {
      host = null;
    }
    const port = match?.[2] === undefined ? null : Number(match[2]);
    if (host === null || host === "" || (port !== null && (port < 1 || port > 65535)))
      throw new Error(`"${entry}" is not a host or host:port`);
    entries.push({ host, port });
  }
  return { entries };
}

/** The operator allowed this URL's host (and port, when the entry names one). */
export function isAllowedHost(url: URL, allowed: AllowedHosts): boolean {
  const host = bare(url.hostname);
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return allowed.entries.some((e) => e.host === host && (e.port === null || e.port === port));
}

/** An IP as the URL parser or a resolver writes it (`[::1]` too); null when it is not an IP. */
function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const ip = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(ip)) return null;
  const addr = ipaddr.parse(ip);
  return addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() ? addr.toIPv4Address() : addr;
}

/** True only for a public unicast address: the one kind a customer's URL may reach. */
export function isPublicAddress(ip: string): boolean {
  const addr = parseIp(ip);
  if (addr === null) return false;
  if (addr.range() !== "unicast") return false;
  return addr.kind() === "ipv4" || addr.match(GLOBAL_UNICAST_V6);
}

/**
 * Why a customer's URL may not be requested, judged from the URL alone (no DNS: at rule creation);
 * null when it may. An IP host must be public; a name must not be one that resolves locally.
 */
export function outboundTargetProblem(url: URL, allowed: AllowedHosts): string | null {
  if (isAllowedHost(url, allowed)) return null;
  const host = bare(url.hostname);
  if (parseIp(host) !== null)
    return isPublicAddress(host) ? null : "Use a public address: this one is inside a private network";
  if (host === "localhost" || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix)))
    return "Use a public host name: this one names a local machine";
  if (!host.includes(".")) return "Use a fully qualified host name (with a domain)";
  return null;
}
