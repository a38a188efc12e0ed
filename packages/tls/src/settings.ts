// KEYWARD_TLS and its companions, read the same way by the API, the dashboard and the guard: each
// process's env.ts carries these names as plain strings (the dashboard's cannot import workspace
// code), and tlsSettings() turns them into one TlsSettings or one sentence saying what is wrong.
import { isIP } from "node:net";
import { z } from "zod";

/** Let's Encrypt's production directory: the default of KEYWARD_ACME_DIRECTORY. */
export const LETS_ENCRYPT_DIRECTORY = "https://acme-v02.api.letsencrypt.org/directory";

export type TlsSettings =
  /** `explicit`: KEYWARD_TLS=off was written out, which is what allows plain HTTP off loopback in production. */
  | { mode: "off"; explicit: boolean }
  | { mode: "files"; certFile: string; keyFile: string }
  | {
      mode: "auto";
      domains: readonly string[];
      directoryUrl: string;
      email: string | undefined;
      /** PEM file of a private ACME server's root (its directory is HTTPS under a CA Node does not know). */
      directoryCaFile: string | undefined;
      /** Where HTTP-01 challenges are answered (and plain HTTP is redirected): 80 unless the ACME server looks elsewhere. */
      httpPort: number;
    };

/** The variables, as strings: spread into each process's environment schema. */
export const tlsEnvShape = {
  /** `off` (default), `files` (KEYWARD_TLS_CERT + KEYWARD_TLS_KEY) or `auto` (ACME for KEYWARD_TLS_DOMAINS). */
  KEYWARD_TLS: z.string().optional(),
  KEYWARD_TLS_CERT: z.string().optional(),
  KEYWARD_TLS_KEY: z.string().optional(),
  KEYWARD_TLS_DOMAINS: z.string().optional(),
  KEYWARD_ACME_DIRECTORY: z.string().optional(),
  KEYWARD_ACME_EMAIL: z.string().optional(),
  KEYWARD_ACME_CA_FILE: z.string().optional(),
  KEYWARD_ACME_HTTP_PORT: z.string().optional(),
};
export type TlsEnv = { [K in keyof typeof tlsEnvShape]?: string | undefined };

export class TlsSettingsError extends Error {}

// A DNS name as ACME issues it: labels of letters, digits and hyphens; a leading "*." for a wildcard
// is refused because HTTP-01 cannot prove one.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function tlsSettings(env: TlsEnv): TlsSettings {
  const mode = blankToUndefined(env.KEYWARD_TLS);
  if (mode === undefined || mode === "off") {
    const stray = (["KEYWARD_TLS_CERT", "KEYWARD_TLS_KEY", "KEYWARD_TLS_DOMAINS"] as const).filter((n) =>
      blankToUndefined(env[n]),
    );
    if (stray.length > 0) {
      throw new TlsSettingsError(
        `${stray.join(" and ")} ${stray.length > 1 ? "are" : "is"} set but KEYWARD_TLS is ${mode ?? "unset"}: set KEYWARD_TLS=files (certificate files) or KEYWARD_TLS=auto (ACME)`,
      );
    }
    return { mode: "off", explicit: mode === "off" };
  }
  if (mode === "files") {
    const certFile = blankToUndefined(env.KEYWARD_TLS_CERT);
    const keyFile = blankToUndefined(env.KEYWARD_TLS_KEY);
    if (!certFile || !keyFile) {
      throw new TlsSettingsError(
        "KEYWARD_TLS=files needs KEYWARD_TLS_CERT (the certificate chain, PEM) and KEYWARD_TLS_KEY (its private key, PEM)",
      );
    }
    return { mode: "files", certFile, keyFile };
  }
  if (mode === "auto") {
    const domains = (env.KEYWARD_TLS_DOMAINS ?? "")
      .split(",")
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean);
    if (domains.length === 0) {
      throw new TlsSettingsError(
        "KEYWARD_TLS=auto needs KEYWARD_TLS_DOMAINS: the names clients use, comma-separated (e.g. keys.example.com)",
      );
    }
    if (domains.length > 100) throw new TlsSettingsError("KEYWARD_TLS_DOMAINS: at most 100 names in one certificate");
    for (const domain of domains) {
      if (isIP(domain) || !DOMAIN.test(domain)) {
        throw new TlsSettingsError(
          `KEYWARD_TLS_DOMAINS: "${domain}" is not a DNS name a certificate authority can check over HTTP (no IP addresses, no wildcards)`,
        );
      }
    }
    const directoryUrl = blankToUndefined(env.KEYWARD_ACME_DIRECTORY) ?? LETS_ENCRYPT_DIRECTORY;
    if (!z.url({ protocol: /^https$/ }).safeParse(directoryUrl).success) {
      throw new TlsSettingsError("KEYWARD_ACME_DIRECTORY must be an https:// URL (an ACME directory)");
    }
    const email = blankToUndefined(env.KEYWARD_ACME_EMAIL);
    if (email !== undefined && !z.email().safeParse(email).success) {
      throw new TlsSettingsError("KEYWARD_ACME_EMAIL must be an email address");
    }
    const port = blankToUndefined(env.KEYWARD_ACME_HTTP_PORT) ?? "80";
    const httpPort = /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
    if (!(httpPort >= 1 && httpPort <= 65535)) {
      throw new TlsSettingsError("KEYWARD_ACME_HTTP_PORT must be a port number (1-65535)");
    }
    return {
      mode: "auto",
      domains: [...new Set(domains)].sort(),
      directoryUrl,
      email,
      directoryCaFile: blankToUndefined(env.KEYWARD_ACME_CA_FILE),
      httpPort,
    };
  }
  throw new TlsSettingsError(`KEYWARD_TLS must be off, files or auto (not "${mode}")`);
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Whether a listen address only reaches this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (bare === "::1") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare.startsWith("::ffff:127.");
}

/**
 * Plain HTTP on an address other machines can reach carries every key in clear. In production that
 * start is refused unless KEYWARD_TLS=off says a load balancer in front terminates TLS; then it goes on
 * with a warning. Outside production it is a warning. Returns what to print, or throws the refusal.
 */
export function plainHttpExposure(opts: {
  settings: TlsSettings;
  host: string;
  port: number;
  service: string;
  nodeEnv: string | undefined;
}): string | null {
  const { settings, host, port, service } = opts;
  if (settings.mode !== "off" || isLoopback(host)) return null;
  const exposed =
    `${service} listens on ${host}:${port} over plain HTTP: API keys, session cookies and passwords sent to it ` +
    "cross the network unencrypted";
  if (opts.nodeEnv === "production" && !settings.explicit) {
    throw new TlsSettingsError(
      `${exposed}. Refusing to start. Set KEYWARD_TLS=files (your certificate) or KEYWARD_TLS=auto (ACME), ` +
        "or, when a load balancer in front terminates TLS, KEYWARD_TLS=off (docs/operations.md#https).",
    );
  }
  return `WARNING: ${exposed}${settings.explicit ? " (KEYWARD_TLS=off): only safe when a load balancer in front terminates TLS" : ""}.`;
}
