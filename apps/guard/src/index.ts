// The guard: a reverse proxy that lets through only requests with the guard secret, its token, or a
// managed key (`keyward guard` starts it).
export { DEFAULT_TOKEN_TTL_SECONDS, type GuardConfig, type GuardFlags, resolveGuardConfig } from "./config";
export { type GuardEnv, loadGuardEnv } from "./env";
export { GuardStartError } from "./errors";
export { type RunningGuard, startGuard } from "./start";
