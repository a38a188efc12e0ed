// The one place that reads process.env: everything else imports `env`.
import { z } from "zod";

const isProduction = process.env.NODE_ENV === "production";
// `next build` runs in production mode but serves no request, so it needs no secret. It loads
// next.config.ts (which imports this file) before it sets NEXT_PHASE, hence the argv check too.
const isBuild = process.env.NEXT_PHASE === "phase-production-build" || process.argv.includes("build");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.url().optional(),
  KEYWARD_DATA_DIR: z.string().min(1).optional(),
  AUTH_SECRET:
    isProduction && !isBuild
      ? z
          .string({ error: "AUTH_SECRET is required in production (pnpm start generates one)" })
          .min(32, "AUTH_SECRET must be at least 32 characters")
      : z.string().min(1).optional(),
  KEYWARD_API_URL: z.url().default("http://127.0.0.1:4000"),
  // Build output folder, relative to apps/web (next.config.ts).
  KEYWARD_WEB_DIST_DIR: z
    .string()
    .regex(/^\.next[a-z0-9-]*$/, "a folder name starting with .next")
    .default(".next"),
  // Seals the guard secret kept in Settings → Guard: the same value as the API's (see apps/api/src/auth/encryption.ts).
  KEYWARD_ENCRYPTION_KEY: z.string().min(1).optional(),
  // Email for member invites and the alert rule form's check (the API sends alert emails with its own SMTP_URL).
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  ALERT_EMAIL_FROM: z.string().min(3).default("Keyward <alerts@keyward.localhost>"),
  // Webhook hosts a rule may name although not public: the API's value (read by the alert rule form's actions).
  KEYWARD_WEBHOOK_ALLOW_HOSTS: z.string().optional(),
  // How long failed logins are remembered (@keyward/db password-login.ts, as the API); the e2e run shortens it.
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(15 * 60),
  // Login attempts are counted here when set, shared with the API's logins and every replica.
  REDIS_URL: z.url().optional(),
  // Which peers are proxies whose X-Forwarded-For names the client: parsed by server.ts with the API's
  // rule (auth-core's parseTrustProxy; next.config.ts loads this file and cannot import workspace sources).
  TRUST_PROXY: z.string().optional(),
  // Self-service sign-up: "open" shows /signup (a new company and its owner), "closed" has no such page.
  KEYWARD_SIGNUP: z.enum(["open", "closed"]).default("closed"),
  // The checkout the dashboard runs from, set by `pnpm start` (scripts/start.ts): browser setup writes
  // .env.local there, as `keyward setup` does. Unset (any other way of running it): nothing is written.
  KEYWARD_REPO_ROOT: z.string().min(1).optional(),
  // The dashboard's public address, the origin of emailed links (invites, password resets). Unset:
  // where it listens (WEB_HOST:WEB_PORT). Never taken from a request's Host header.
  KEYWARD_DASHBOARD_URL: z.url({ protocol: /^https?$/ }).optional(),
  // HTTPS (docs/operations.md#https): strings here, read by server.ts with @keyward/tls's tlsSettings
  // (this file cannot import workspace code: next.config.ts loads it).
  KEYWARD_TLS: z.string().optional(),
  KEYWARD_TLS_CERT: z.string().optional(),
  KEYWARD_TLS_KEY: z.string().optional(),
  KEYWARD_TLS_DOMAINS: z.string().optional(),
  KEYWARD_ACME_DIRECTORY: z.string().optional(),
  KEYWARD_ACME_EMAIL: z.string().optional(),
  KEYWARD_ACME_CA_FILE: z.string().optional(),
  KEYWARD_ACME_HTTP_PORT: z.string().optional(),
  // Where server.ts listens.
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WEB_HOST: z.string().min(1).default("127.0.0.1"),
});

const parsed = schema.safeParse({
  NODE_ENV: process.env.NODE_ENV,
  DATABASE_URL: process.env.DATABASE_URL || undefined,
  KEYWARD_DATA_DIR: process.env.KEYWARD_DATA_DIR || undefined,
  AUTH_SECRET: process.env.AUTH_SECRET || undefined,
  KEYWARD_API_URL: process.env.KEYWARD_API_URL || undefined,
  KEYWARD_WEB_DIST_DIR: process.env.KEYWARD_WEB_DIST_DIR || undefined,
  LOGIN_THROTTLE_WINDOW_SECONDS: process.env.LOGIN_THROTTLE_WINDOW_SECONDS || undefined,
  KEYWARD_ENCRYPTION_KEY: process.env.KEYWARD_ENCRYPTION_KEY || undefined,
  SMTP_URL: process.env.SMTP_URL || undefined,
  ALERT_EMAIL_FROM: process.env.ALERT_EMAIL_FROM || undefined,
  KEYWARD_WEBHOOK_ALLOW_HOSTS: process.env.KEYWARD_WEBHOOK_ALLOW_HOSTS || undefined,
  REDIS_URL: process.env.REDIS_URL || undefined,
  TRUST_PROXY: process.env.TRUST_PROXY || undefined,
  KEYWARD_SIGNUP: process.env.KEYWARD_SIGNUP || undefined,
  KEYWARD_REPO_ROOT: process.env.KEYWARD_REPO_ROOT || undefined,
  KEYWARD_DASHBOARD_URL: process.env.KEYWARD_DASHBOARD_URL || undefined,
  KEYWARD_TLS: process.env.KEYWARD_TLS || undefined,
  KEYWARD_TLS_CERT: process.env.KEYWARD_TLS_CERT || undefined,
  KEYWARD_TLS_KEY: process.env.KEYWARD_TLS_KEY || undefined,
  KEYWARD_TLS_DOMAINS: process.env.KEYWARD_TLS_DOMAINS || undefined,
  KEYWARD_ACME_DIRECTORY: process.env.KEYWARD_ACME_DIRECTORY || undefined,
  KEYWARD_ACME_EMAIL: process.env.KEYWARD_ACME_EMAIL || undefined,
  KEYWARD_ACME_CA_FILE: process.env.KEYWARD_ACME_CA_FILE || undefined,
  KEYWARD_ACME_HTTP_PORT: process.env.KEYWARD_ACME_HTTP_PORT || undefined,
  WEB_PORT: process.env.WEB_PORT || undefined,
  WEB_HOST: process.env.WEB_HOST || undefined,
});

if (!parsed.success) {
  throw new Error(`Invalid environment for the dashboard:\n${z.prettifyError(parsed.error)}`);
}

export const env = parsed.data;
