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
  // IPv4 ranges as [network, mask] numbers: a caller's dotted quad is then matched without ipaddr.js,
  // which costs about as much as the request's SHA-256 (measured by bench figure 1).
  const networks: number[] = [];
  const masks: number[] = [];
  for (const [network, bits] of ranges) {
    if (network.kind() !== "ipv4") continue;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    networks.push((toUint32(network.toByteArray()) & mask) >>> 0);
    masks.push(mask);
  }
  return (ip) => {
    const quad = parseDottedQuad(ip);
    if (quad !== -1) {
      for (let i = 0; i < networks.length; i++) {
        if ((quad & (masks[i] as number)) >>> 0 === networks[i]) return true;
      }
      return false;
    }
    // IPv6, IPv4-mapped IPv6 and anything unusual: the general path.
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

function toUint32(bytes: number[]): number {
  return (
    (((bytes[0] as number) << 24) |
      ((bytes[1] as number) << 16) |
      ((bytes[2] as number) << 8) |
      (bytes[3] as number)) >>>
    0
  );
}

/**
 * The strict dotted quad `parseUnfolded` accepts (four decimal parts of 0–255, no leading zeros) as
 * an unsigned 32-bit number; -1 for anything else, which then takes the general path.
 */
function parseDottedQuad(ip: string): number {
  if (typeof ip !== "string" || ip.length < 7 || ip.length > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
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
