// What makes /docs Keyward's page rather than @fastify/swagger-ui's: the logo in its top bar, the tab's
// icon, and the one inline style its bundle applies, allowed by hash instead of 'unsafe-inline'.
// Inline strings, not files: the API ships as one bundled module (scripts/build.ts).

/** The dashboard's mark (apps/web/src/app/icon.svg), for the browser tab. */
export const KEYWARD_ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><title>Keyward</title><rect width="32" height="32" rx="8" fill="#4f46e5"/><circle cx="12" cy="16" r="5" fill="none" stroke="#fff" stroke-width="3"/><path d="M17 16h10M23 16v5M27 16v3" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>';

/** The mark and the name, white on the top bar's dark background (swagger-ui shows it 40 px high). */
export const KEYWARD_LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 40" width="220" height="40"><title>Keyward API</title><rect x="2" y="4" width="32" height="32" rx="8" fill="#4f46e5"/><circle cx="14" cy="20" r="5" fill="none" stroke="#fff" stroke-width="3"/><path d="M19 20h10M25 20v5M29 20v3" stroke="#fff" stroke-width="3" stroke-linecap="round"/><text x="44" y="28" fill="#fff" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="22" font-weight="600">Keyward API</text></svg>';

/**
 * swagger-ui's standalone preset renders its own top-bar logo, an SVG holding a <style> element, before
 * @fastify/swagger-ui swaps in ours: this is that element's hash (swagger-ui as shipped in the pinned
 * @fastify/swagger-ui). Should an upgrade change it, e2e/journeys/api-docs.spec.ts sees the CSP error.
 */
export const SWAGGER_LOGO_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";
