// Keyward's own session cookies never reach the upstream: a browser sends the cookies of a host to
// every port of it, so a dashboard or API session on the guard's host would otherwise be handed to
// whatever the guard fronts. Every other cookie is forwarded byte for byte, in its order.
import { SESSION_COOKIE } from "@keyward/enforcement";

/**
 * `kw_session` (the API's key login), and the dashboard's Auth.js cookies: `authjs.session-token`
 * (chunked as `.0`, `.1`, … when large), `authjs.callback-url`, `authjs.csrf-token` and the rest of
 * `authjs.*`, with the `__Secure-` / `__Host-` prefixes Auth.js adds on HTTPS.
 */
const KEYWARD_COOKIE = new RegExp(`^(?:(?:__Secure-|__Host-)?${SESSION_COOKIE}|(?:__Secure-|__Host-)?authjs\\..+)$`);

export function isKeywardSessionCookie(name: string): boolean {
  return KEYWARD_COOKIE.test(name);
}

/** The Cookie header without Keyward's cookies; undefined when none is left. */
export function withoutKeywardCookies(header: string): string | undefined {
  const pairs = header.split(";");
  const kept = pairs.filter((pair) => {
    const eq = pair.indexOf("=");
    return !isKeywardSessionCookie((eq === -1 ? pair : pair.slice(0, eq)).trim());
  });
  if (kept.length === pairs.length) return header;
  // The first kept pair loses the separator space it had after a removed one.
  const rest = kept.join(";").replace(/^[ \t]+/, "");
  return rest.trim() === "" ? undefined : rest;
}
