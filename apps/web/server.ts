// The dashboard's HTTP server: Next.js under a small custom server, for one reason. `next start`
// keeps a client's own X-Forwarded-For (it fills the header in only when absent), so inside Next the
// socket's peer is lost and a header would choose the client's IP (the login throttle's key, the IP
// in audit events). Here every request gets its client IP by TRUST_PROXY's rule, the API's, before
// Next sees it (src/server/client-address.ts), and its protocol (X-Forwarded-Proto, which next-auth
// reads to make its cookies Secure). With KEYWARD_TLS on, this server speaks HTTPS (@keyward/tls).
//
//   node dist/server.js          production (`pnpm build` bundles this file; `pnpm start` runs it)
//   tsx server.ts --dev          development (`pnpm dev`)
import { parseTrustProxy } from "@keyward/auth-core";
import { createKeywardServer, plainHttpExposure, startTls, type TlsSettings, tlsSettings } from "@keyward/tls";

const dev = process.argv.includes("--dev");
// What `next start` and `next dev` set before anything reads it: a write for Next.js, which reads
// process.env itself, not a read of configuration (that is src/env.ts).
// biome-ignore lint/style/noProcessEnv: setting NODE_ENV for Next.js before it loads
(process.env as Record<string, string | undefined>).NODE_ENV ??= dev ? "development" : "production";

const { env } = await import("./src/env");
const { declareClientIpStamping, stampClientIp, stampForwardedProto } = await import("./src/server/client-address");
const { default: next } = await import("next");

/** Ends the start with a sentence for the operator (a setting is wrong or unsafe), not a stack trace. */
function refuse(variable: string, error: unknown): never {
  console.error(`Invalid environment for the dashboard:\n${variable}: ${(error as Error).message}`);
  process.exit(1);
}

let trust: ReturnType<typeof parseTrustProxy>;
try {
  trust = parseTrustProxy(env.TRUST_PROXY);
} catch (error) {
  refuse("TRUST_PROXY", error);
}
let tls: TlsSettings;
try {
  tls = tlsSettings(env);
  const warning = plainHttpExposure({
    settings: tls,
    host: env.WEB_HOST,
    port: env.WEB_PORT,
    service: "The dashboard",
    nodeEnv: env.NODE_ENV,
  });
  if (warning) console.warn(`[web] ${warning}`);
} catch (error) {
  refuse("KEYWARD_TLS", error);
}

// The certificate before Next.js: a wrong file or an ACME failure is told before the slow prepare.
let listeningPort: number | undefined;
// One chain, so a missing database in auto mode is refused with its sentence like any TLS error.
const certificates = await (async () =>
  startTls({
    settings: tls,
    log: { info: (message) => console.log(`[web] ${message}`), error: (message) => console.error(`[web] ${message}`) },
    host: env.WEB_HOST,
    httpsPort: () => listeningPort,
    // Only auto mode keeps certificates in the database; the module (and its client) loads only then.
    store: tls.mode === "auto" ? await (await import("./src/server/tls-store")).dashboardAcmeStore() : null,
  }))().catch((error: unknown) => refuse("KEYWARD_TLS", error));

declareClientIpStamping();
const app = next({ dev, dir: process.cwd(), hostname: env.WEB_HOST, port: env.WEB_PORT });
const handle = app.getRequestHandler();
await app.prepare();

const server = createKeywardServer(certificates?.source ?? null, (req, res) => {
  stampClientIp(req, trust);
  stampForwardedProto(req, trust);
  void handle(req, res);
});
if (dev) server.on("upgrade", app.getUpgradeHandler());
server.listen(env.WEB_PORT, env.WEB_HOST, () => {
  const address = server.address();
  listeningPort = typeof address === "object" && address ? address.port : env.WEB_PORT;
  const scheme = certificates ? "https" : "http";
  console.log(
    `[web] Next.js ${dev ? "development" : "production"} server on ${scheme}://${env.WEB_HOST}:${listeningPort}`,
  );
});

function shutdown(): void {
  void certificates?.stop();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Open streams and keep-alives get 10 s to finish.
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
