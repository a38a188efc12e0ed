import type { NextConfig } from "next";
import { env } from "./src/env";

// The Content-Security-Policy is not here: it carries a fresh nonce per request, so src/proxy.ts sets it.
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  // The e2e run builds into its own folder, so it never replaces the build a running `pnpm start` serves.
  distDir: env.KEYWARD_WEB_DIST_DIR,
  poweredByHeader: false,
  reactStrictMode: true,
  // Internal packages ship TypeScript source with extensionless imports.
  transpilePackages: ["@keyward/core", "@keyward/db", "@keyward/auth-core"],
  // Native-ish or WASM packages that must be required at run time, not bundled.
  serverExternalPackages: [
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    // CommonJS that lazily requires optional stores (Redis, Mongo, …): its memory and Redis limiters are used.
    "rate-limiter-flexible",
    "ioredis",
  ],
  turbopack: {
    ignoreIssue: [
      // workspaceRoot() walks up from the cwd at run time; file tracing for standalone output is not used here.
      { path: "**/packages/db/src/paths.ts", title: /Dynamic filesystem access/ },
    ],
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
