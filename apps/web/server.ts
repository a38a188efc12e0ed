// The dashboard's HTTP server: Next.js under a small custom server, for one reason. `next start`
// keeps a client's own X-Forwarded-For (it fills the header in only when absent), so inside Next the
// socket's peer is lost and a header would choose the client's IP (the login throttle's key, the IP
// in audit events). Here every request gets its client IP by TRUST_PROXY's rule, the API's, before
// Next sees it (src/server/client-address.ts).
//
//   node dist/server.js          production (`pnpm build` bundles this file; `pnpm start` runs it)
//   tsx server.ts --dev          development (`pnpm dev`)
import { createServer } from "node:http";
import { parseTrustProxy } from "@keyward/auth-core";

const dev = process.argv.includes("--dev");
// What `next start` and `next dev` set before anything reads it: a write for Next.js, which reads
// process.env itself, not a read of configuration (that is src/env.ts).
// biome-ignore lint/style/noProcessEnv: setting NODE_ENV for Next.js before it loads
(process.env as Record<string, string | undefined>).NODE_ENV ??= dev ? "development" : "production";

const { env } = await import("./src/env");
const { declareClientIpStamping, stampClientIp } = await import("./src/server/client-address");
const { default: next } = await import("next");

let trust: ReturnType<typeof parseTrustProxy>;
try {
  trust = parseTrustProxy(env.TRUST_PROXY);
} catch (error) {
  console.error(`Invalid environment for the dashboard:\nTRUST_PROXY: ${(error as Error).message}`);
  process.exit(1);
}

declareClientIpStamping();
const app = next({ dev, dir: process.cwd(), hostname: env.WEB_HOST, port: env.WEB_PORT });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  stampClientIp(req, trust);
  void handle(req, res);
});
if (dev) server.on("upgrade", app.getUpgradeHandler());
server.listen(env.WEB_PORT, env.WEB_HOST, () => {
  console.log(`[web] Next.js ${dev ? "development" : "production"} server on http://${env.WEB_HOST}:${env.WEB_PORT}`);
});

function shutdown(): void {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Open streams and keep-alives get 10 s to finish.
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
