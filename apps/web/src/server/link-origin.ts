// The origin of links Keyward emails (invites, password resets). Never the request's Host or
// X-Forwarded-Host: those are the client's to choose, and a reset requested with a forged one would
// mail the victim a link, token included, to the attacker's site (password-reset poisoning).

/** KEYWARD_DASHBOARD_URL's origin when set; else where the dashboard listens (a wildcard address as localhost). */
export function linkOrigin(config: { dashboardUrl?: string; host: string; port: number }): string {
  if (config.dashboardUrl) return new URL(config.dashboardUrl).origin;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}
