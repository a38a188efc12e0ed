// KEYWARD_TLS=auto proves each name by HTTP-01: the authority fetches
// http://<name>/.well-known/acme-challenge/<token> on port 80 (KEYWARD_ACME_HTTP_PORT). Answers come
// from the shared store, so whichever replica or process the authority reaches answers for all of them:
// when several Keyward processes share a machine, the first to bind the port answers, the others skip
// it. Any other request there is redirected to the service's https:// address.
import { createServer, type Server } from "node:http";
import { redirectToHttps } from "./server";
import type { CertificateSource, TlsLog } from "./source";
import type { AcmeStore } from "./store";

const CHALLENGE_PATH = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]{1,128})$/;

export interface ChallengeListenerOptions {
  port: number;
  host: string;
  store: Pick<AcmeStore, "challenge">;
  /** The certificate source once there is one (redirects wait for it). */
  source: () => CertificateSource | null;
  /** Where the service itself listens, for the redirect. */
  httpsPort: () => number | undefined;
  log: TlsLog;
}

/** The listening server, or null when another process holds the port. */
export async function listenForChallenges(options: ChallengeListenerOptions): Promise<Server | null> {
  const { store, log } = options;
  const server = createServer((req, res) => {
    const token = req.method === "GET" ? CHALLENGE_PATH.exec(req.url ?? "")?.[1] : undefined;
    if (token !== undefined) {
      store.challenge(token).then(
        (keyAuthorization) => {
          res.writeHead(keyAuthorization === null ? 404 : 200, { "content-type": "text/plain" });
          res.end(keyAuthorization ?? "");
        },
        (error: Error) => {
          log.error(`ACME challenge not answered: ${error.message}`);
          res.writeHead(503).end();
        },
      );
      return;
    }
    const source = options.source();
    if (source === null) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "10" });
      res.end("The HTTPS certificate is being obtained.\n");
      return;
    }
    redirectToHttps(req, res, source, options.httpsPort());
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EACCES") {
        return reject(
          new Error(
            `KEYWARD_ACME_HTTP_PORT ${options.port}: not allowed to listen there (ports below 1024 need root or the CAP_NET_BIND_SERVICE capability)`,
          ),
        );
      }
      if (error.code !== "EADDRINUSE")
        return reject(new Error(`KEYWARD_ACME_HTTP_PORT ${options.port}: ${error.message}`));
      log.info(
        `port ${options.port} is in use: ACME challenges are answered there only if it is another Keyward process of this installation (they share the store)`,
      );
      resolve(null);
    });
    server.listen(options.port, options.host, () => resolve(server));
  });
}
