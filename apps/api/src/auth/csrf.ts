// Cross-site request forgery on cookie sessions. A browser attaches kw_session to requests other
// pages make, so a change (POST/PUT/PATCH/DELETE) that authenticates with it must prove it came from
// a page allowed to make it:
//   - Content-Type: application/json. A cross-origin page cannot send it without a CORS preflight,
//     which this API never grants (plain forms and no-cors fetches can only send simple types).
//   - an Origin header, when present, that is this API's own origin or a listed one. Same origin
//     here means the Origin's host[:port] is the Host the request was sent to (X-Forwarded-Host
//     when it came through a trusted proxy): the scheme is not compared, since TLS usually ends at a
//     proxy; KEYWARD_TRUSTED_ORIGINS adds exact origins (scheme://host[:port], e.g. the dashboard's).
// Bearer and X-API-Key requests carry their credential explicitly and are not affected.
import type { FastifyRequest } from "fastify";

const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Why a change authenticated by the session cookie is refused, or null when it may go on. */
export function csrfRefusal(request: FastifyRequest, trustedOrigins: ReadonlySet<string>): string | null {
  if (!CHANGES.has(request.method)) return null;
  const mediaType = request.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    return "A change made with the session cookie must be sent as Content-Type: application/json";
  }
  const origin = request.headers.origin;
  if (origin === undefined || allowedOrigin(origin, request.host, trustedOrigins)) return null;
  return `A change made with the session cookie must come from this API's origin or KEYWARD_TRUSTED_ORIGINS, not ${JSON.stringify(origin.slice(0, 200))}`;
}

function allowedOrigin(origin: string, host: string, trustedOrigins: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque origin "null"
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (trustedOrigins.has(url.origin)) return true;
  try {
    // The Host header read with the Origin's scheme, so "example.com:443" and "example.com" compare equal.
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}

/** KEYWARD_TRUSTED_ORIGINS: comma-separated origins, each `http(s)://host[:port]` and nothing more. */
export function parseTrustedOrigins(value: string | undefined): Set<string> | string {
  const origins = new Set<string>();
  for (const entry of (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return `${JSON.stringify(entry)} is not an origin (expected e.g. https://dashboard.example.com)`;
    }
    const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol !== "http:" && url.protocol !== "https:") || !bare) {
      return `${JSON.stringify(entry)} is not an origin: only http(s)://host[:port], no path`;
    }
    origins.add(url.origin);
  }
  return origins;
}
