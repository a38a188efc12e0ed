// A client for TLS tests: what certificate a server presents, and what it answers, trusting only the
// CA the test names (and presenting the name the test chooses, whatever address it connects to).
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { connect } from "node:tls";

/** SNI carries names only (RFC 6066): an IP is checked against the certificate without it. */
const sni = (name: string | undefined) => (name === undefined || isIP(name) ? undefined : name);

export function presentedFingerprint(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, servername: sni(servername), ca }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.on("error", reject);
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function get(
  url: string,
  options: { ca?: string; servername?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: options.ca, servername: sni(options.servername), headers: options.headers, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A waitForHttp probe over TLS: the status of a GET, trusting `ca`, presenting `servername`. */
export function httpsProbe(ca: string, servername: string): (url: string) => Promise<number> {
  return async (url) => (await get(url, { ca, servername, headers: { host: servername } })).status;
}

/** Polls `probe` until it returns true, or fails after `timeoutMs` with `what`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000}s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
