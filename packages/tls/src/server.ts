// The one way a Keyward process (API, dashboard, guard) makes its server. Without TLS, plain HTTP.
// With it, HTTPS on the same port, and on that port a plain HTTP request is answered with a redirect to
// its https:// address (the first byte tells them apart: 0x16 opens every TLS handshake), so each
// service keeps one port. Every HTTPS response carries Strict-Transport-Security, and a new certificate
// from the source (a reloaded file, an ACME renewal) is served to new connections without a restart.

import { X509Certificate } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { isIP, type Socket } from "node:net";
import type { CertificatePair } from "./certificate";
import type { CertificateSource } from "./source";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A year, without includeSubDomains: Keyward's names are often subdomains of a company domain it does not own. */
export const HSTS_HEADER = "max-age=31536000";
/** A client that connects and sends nothing is dropped after this long (before TLS or HTTP take over). */
const FIRST_BYTE_TIMEOUT_MS = 10_000;
const TLS_HANDSHAKE = 0x16;

export function createKeywardServer(source: CertificateSource | null, handler: Handler): Server {
  if (source === null) return createHttpServer(handler);
  const server = createHttpsServer(pairOf(source.current()), (req, res) => {
    res.setHeader("strict-transport-security", HSTS_HEADER);
    handler(req, res);
  });
  const unsubscribe = source.onChange((certificate) => server.setSecureContext(pairOf(certificate)));
  server.once("close", unsubscribe);
  answerPlainHttp(
    server,
    createHttpServer((req, res) => redirectToHttps(req, res, source, localPort(req))),
  );
  // node:https's server is node:http's for everything Fastify and Next.js use of it.
  return server as unknown as Server;
}

/** Only the pair: a CheckedCertificate's other fields are not TLS options. */
function pairOf({ cert, key }: CertificatePair): CertificatePair {
  return { cert, key };
}

function localPort(req: IncomingMessage): number | undefined {
  return req.socket.localPort;
}

/**
 * Hands each new connection to TLS or, when its first byte is not a handshake, to the plain server.
 * The first bytes are read in paused mode and put back (as @httptoolkit/httpolyglot does): a `data`
 * listener would switch the socket to flowing mode, and TLS then never sees the bytes put back.
 */
function answerPlainHttp(server: HttpsServer, plain: Server): void {
  const tlsListeners = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const route = (socket: Socket) => {
    const first = socket.read() as Buffer | null;
    if (first === null) {
      socket.once("readable", () => route(socket));
      return;
    }
    socket.unshift(first);
    // From here TLS or HTTP own the socket, its errors and its timeouts.
    socket.setTimeout(0);
    socket.off("timeout", drop);
    socket.off("error", drop);
    if (first[0] === TLS_HANDSHAKE) for (const listener of tlsListeners) listener.call(server, socket);
    else plain.emit("connection", socket);
  };
  server.on("connection", (socket: Socket) => {
    socket.on("error", drop);
    socket.on("timeout", drop);
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS);
    route(socket);
  });
  server.once("close", () => plain.close());
}

function drop(this: Socket): void {
  this.destroy();
}

/**
 * 308 (the method and body are kept) to the same path over https://, on the host the client asked for
 * when the certificate covers it; any other Host is refused rather than echoed into a Location header.
 */
export function redirectToHttps(
  req: IncomingMessage,
  res: ServerResponse,
  source: Pick<CertificateSource, "current">,
  httpsPort: number | undefined,
): void {
  const hostname = hostnameOf(req.headers.host);
  const certificate = new X509Certificate(source.current().cert);
  const covered =
    hostname !== null &&
    (isIP(hostname) ? certificate.checkIP(hostname) : certificate.checkHost(hostname)) !== undefined;
  res.setHeader("connection", "close");
  if (!covered) {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
    res.end("This port speaks HTTPS: use an https:// address.\n");
    return;
  }
  const port = httpsPort === undefined || httpsPort === 443 ? "" : `:${httpsPort}`;
  const host = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  const path = (req.url ?? "/").startsWith("/") ? (req.url ?? "/") : "/";
  res.writeHead(308, { location: `https://${host}${port}${path}`, "content-type": "text/plain; charset=utf-8" });
  res.end("Use HTTPS.\n");
}

function hostnameOf(host: string | undefined): string | null {
  if (!host || host.length > 300) return null;
  try {
    const url = new URL(`http://${host}`);
    return url.hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}
