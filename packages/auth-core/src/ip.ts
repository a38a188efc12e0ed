import ipaddr from "ipaddr.js";

/**
 * IP allowlists: each entry is an IPv4 or IPv6 address or CIDR range. Entries
 * are parsed once by `compileAllowlist`; the returned matcher only parses the
 * caller's IP. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are compared as
 * IPv4, on both sides.
 */

export type IpMatcher = (ip: string) => boolean;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

// Longest IPv6 text form (45) plus a zone id and a prefix length; anything longer is garbage.
const MAX_IP_LENGTH = 64;
const DIGITS = /^\d{1,3}$/;

const allowEveryIp: IpMatcher = () => true;

export function isValidAllowlistEntry(entry: string): boolean {
  return parseEntry(entry) !== null;
}

export function compileAllowlist(entries: readonly string[]): IpMatcher {
  if (entries.length === 0) return allowEveryIp;
  // An invalid entry matches nothing: a list of only bad entries denies everyone, never allows.
  const ranges = entries.map(parseEntry).filter((range): range is Range => range !== null);
  return (ip) => {
    const addr = parseAddress(ip);
    if (addr === null) return false;
    for (const [network, bits] of ranges) {
      if (addr.kind() === network.kind() && addr.match(network, bits)) return true;
    }
    return false;
  };
}

function parseEntry(entry: string): Range | null {
  if (typeof entry !== "string" || entry.length > MAX_IP_LENGTH || entry.includes("%")) return null;
  const slash = entry.indexOf("/");
  const addr = parseUnfolded(slash === -1 ? entry : entry.slice(0, slash));
  if (addr === null) return null;
  const width = addr.kind() === "ipv4" ? 32 : 128;
  let bits = width;
  if (slash !== -1) {
    const suffix = entry.slice(slash + 1);
    if (!DIGITS.test(suffix)) return null;
    bits = Number(suffix);
    if (bits > width) return null;
  }
  // ::ffff:a.b.c.d/96+ is an IPv4 range in disguise; callers' mapped IPs are folded the same way.
  if (addr instanceof ipaddr.IPv6 && bits >= 96 && addr.isIPv4MappedAddress()) {
    return [addr.toIPv4Address(), bits - 96];
  }
  return [addr, bits];
}

/** The caller's IP, with IPv4-mapped IPv6 folded to IPv4 so it meets IPv4 entries. */
function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const addr = parseUnfolded(ip);
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress()) return addr.toIPv4Address();
  return addr;
}

/** Strict: dotted-quad IPv4 only (no `10.1`, hex or octal forms), or any IPv6 text form. */
function parseUnfolded(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (typeof ip !== "string" || ip.length > MAX_IP_LENGTH) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) return ipaddr.IPv4.parse(ip);
  if (ipaddr.IPv6.isValid(ip)) return ipaddr.IPv6.parse(ip);
  return null;
}
