// The one canonical form of a request target, made once before routing: the guard forwards exactly
// `url` and judges its route rules on exactly `path` (the same path, percent-decoded), so no spelling
// of a path can be judged as one route and read by the upstream as another.
//
//   repeated slashes collapse (`//admin` is `/admin`, never a host), a raw `\` is `/` (as browsers and
//   WHATWG URLs read it), escapes of unreserved characters are decoded (`%2e` is `.`, `%73` is `s`),
//   then `.` and `..` segments are resolved (never above the root);
//   other escapes stay escaped (hex in upper case) and characters a path may not hold raw are escaped.
//
// Refused (400), because upstreams disagree on what they mean: escaped `/` or `\` (`%2F`, `%5C`: one
// segment or two?), dot segments with `;` parameters (`..;/`: Tomcat and Spring read them as `..`),
// control characters, malformed escapes and escapes that are not UTF-8. Matching is case-sensitive,
// as most upstreams are. The query is forwarded as sent.

export type CanonicalTarget = { ok: true; url: string; path: string } | { ok: false; reason: string };

const HEX = /^[0-9A-Fa-f]{2}$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** What a path segment may hold unescaped (RFC 3986 pchar, minus `%`): unreserved, sub-delims, `:` and `@`. */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;

const refuse = (reason: string): CanonicalTarget => ({ ok: false, reason });

/** A segment's characters in canonical form, or the reason it is refused. */
function canonicalSegment(raw: string): string | { reason: string } {
  let out = "";
  for (let i = 0; i < raw.length; ) {
    const char = raw[i] as string;
    if (char === "%") {
      const hex = raw.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return { reason: "a malformed percent-escape" };
      const byte = Number.parseInt(hex, 16);
      const decoded = String.fromCharCode(byte);
      if (byte === 0x2f || byte === 0x5c) return { reason: "an escaped slash or backslash (%2F, %5C)" };
      if (byte < 0x20 || byte === 0x7f) return { reason: "a control character" };
      out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
      i += 3;
      continue;
    }
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f) return { reason: "a control character" };
    const whole = String.fromCodePoint(code);
    if (PCHAR.test(whole)) out += whole;
    // Node reads the request line as latin1: a character below 0x100 is the byte that was sent.
    else out += code < 0x100 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : encodeURIComponent(whole);
    i += whole.length;
  }
  return out;
}

export function canonicalTarget(requestTarget: string): CanonicalTarget {
  // Origin form only: `http://host/…` (absolute form) and `*` name no path of this upstream.
  if (!requestTarget.startsWith("/") && !requestTarget.startsWith("\\")) {
    return refuse("the request target must be a path starting with /");
  }
  const queryAt = requestTarget.indexOf("?");
  const rawPath = queryAt === -1 ? requestTarget : requestTarget.slice(0, queryAt);
  const query = queryAt === -1 ? "" : requestTarget.slice(queryAt);

  const rawSegments = rawPath.replaceAll("\\", "/").split("/").slice(1);
  const segments: string[] = [];
  let trailingSlash = false;
  for (const raw of rawSegments) {
    const segment = canonicalSegment(raw);
    if (typeof segment !== "string") return refuse(`The path holds ${segment.reason}`);
    trailingSlash = segment === "" || segment === "." || segment === "..";
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      segments.pop();
      continue;
    }
    if (/^\.\.?;/.test(segment)) return refuse("The path holds a dot segment with ;parameters");
    segments.push(segment);
  }
  const path = `/${segments.join("/")}${trailingSlash && segments.length > 0 ? "/" : ""}`;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return refuse("The path holds percent-escapes that are not UTF-8");
  }
  return { ok: true, url: `${path}${query}`, path: decoded };
}
