// The only place the guard reads process.env; everything else receives a GuardEnv.
import { enforcementEnvShape, parseEnv } from "@keyward/enforcement";
import { tlsEnvShape } from "@keyward/tls";
import { z } from "zod";

const guardEnvSchema = z.object({
  ...enforcementEnvShape,
  /** HTTPS (docs/operations.md#https), read by @keyward/tls; checked when the guard starts. */
  ...tlsEnvShape,
  // Each overrides .keyward.yaml and is overridden by its flag (config.ts).
  KEYWARD_GUARD_UPSTREAM: z.string().optional(),
  KEYWARD_GUARD_AUTH_SECRET: z.string().optional(),
  KEYWARD_GUARD_AUTH_TOKEN_TTL: z.string().optional(),
  KEYWARD_GUARD_AUTH_ENABLED: z.string().optional(),
  KEYWARD_GUARD_PORT: z.string().optional(),
  KEYWARD_GUARD_HOST: z.string().optional(),
  /** Route rules separated by `;` or new lines, e.g. `GET /vehicles/* -> vehicles:read`. */
  KEYWARD_GUARD_ROUTES: z.string().optional(),
  /** The guard's config file (default `.keyward.yaml` in the working directory). */
  KEYWARD_GUARD_CONFIG: z.string().optional(),
  /** The company whose managed keys and dashboard settings the guard uses (id or name); default: the only one. */
  KEYWARD_GUARD_COMPANY: z.string().optional(),
  /** `true`: managed keys of every company are accepted (--all-companies); excludes KEYWARD_GUARD_COMPANY. */
  KEYWARD_GUARD_ALL_COMPANIES: z.string().optional(),
});

export type GuardEnv = z.output<typeof guardEnvSchema>;

export function loadGuardEnv(source: NodeJS.ProcessEnv = process.env): GuardEnv {
  return parseEnv(guardEnvSchema, source);
}
