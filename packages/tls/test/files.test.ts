// KEYWARD_TLS=files on a real HTTPS server: the operator's certificate is served, plain HTTP on the
// same port is redirected, HSTS is sent, and replacing the files switches the certificate without a
// restart (a half-written pair keeps the old one in service).

import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createTestCa, type TestCa } from "@keyward/child-servers/certificates";
import { eventually, get, presentedFingerprint } from "@keyward/child-servers/tls-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeywardServer, HSTS_HEADER, startTls, type Tls, tlsSettings } from "../src";

const NAME = "keys.keyward.test";
let ca: TestCa;
let certFile: string;
let keyFile: string;
let tls: Tls;
let port: number;
const errors: string[] = [];
const log = { info: () => {}, error: (message: string) => errors.push(message) };
let server: ReturnType<typeof createKeywardServer>;

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

beforeAll(async () => {
  ca = createTestCa();
  certFile = join(ca.certFile, "..", "served.pem");
  keyFile = join(ca.certFile, "..", "served.key");
  const first = ca.issue([NAME, "127.0.0.1"]);
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key);
  const settings = tlsSettings({ KEYWARD_TLS: "files", KEYWARD_TLS_CERT: certFile, KEYWARD_TLS_KEY: keyFile });
  tls = (await startTls({ settings, log, host: "127.0.0.1", httpsPort: () => port, store: null })) as Tls;
  server = createKeywardServer(tls.source, (req, res) => {
    res.setHeader("content-type", "text/plain");
    res.end(`hello ${req.headers.authorization ?? ""}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.close();
  server?.closeAllConnections();
  await tls?.stop();
  ca?.remove();
});

describe("KEYWARD_TLS=files", () => {
  it("serves the operator's certificate, with HSTS, to a client that trusts its CA", async () => {
    const answer = await get(`https://127.0.0.1:${port}/x`, { ca: ca.cert, servername: NAME, headers: { host: NAME } });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("hello ");
    expect(answer.headers["strict-transport-security"]).toBe(HSTS_HEADER);
  });

  it("answers plain HTTP on the same port with a 308 to the https:// address, and never echoes a foreign Host", async () => {
    const redirected = await get(`http://127.0.0.1:${port}/v1/keys?x=1`, { headers: { host: `${NAME}:${port}` } });
    expect(redirected.status).toBe(308);
    expect(redirected.headers.location).toBe(`https://${NAME}:${port}/v1/keys?x=1`);
    expect(redirected.headers["strict-transport-security"]).toBeUndefined();
    const byIp = await get(`http://127.0.0.1:${port}/`);
    expect(byIp.headers.location).toBe(`https://127.0.0.1:${port}/`);
    const foreign = await get(`http://127.0.0.1:${port}/`, { headers: { host: "evil.example" } });
    expect(foreign.status).toBe(400);
    expect(foreign.headers.location).toBeUndefined();
    // The port still speaks TLS afterwards.
    expect((await get(`https://127.0.0.1:${port}/`, { ca: ca.cert })).status).toBe(200);
  });

  it("serves a replaced certificate without a restart, and keeps the old one while the pair does not match", async () => {
    const before = tls.source.current().fingerprint;
    expect(await presentedFingerprint(port, NAME, ca.cert)).toBe(before);
    const next = ca.issue([NAME, "127.0.0.1"]);
    // A renewal that wrote the certificate but not yet the key: refused, the old pair keeps serving.
    writeFileSync(certFile, next.cert);
    await eventually("the mismatched pair is reported", async () => errors.length > 0);
    expect(errors.join("\n")).toMatch(/does not match/);
    expect(await presentedFingerprint(port, NAME, ca.cert)).toBe(before);
    writeFileSync(keyFile, next.key);
    await eventually("the new certificate is served", async () => {
      return (await presentedFingerprint(port, NAME, ca.cert)) === fingerprint(next.cert);
    });
    expect(tls.source.current().fingerprint).toBe(fingerprint(next.cert));
  });

  it("refuses to start on a missing file or a key that is not the certificate's", async () => {
    const other = ca.issue([NAME]);
    const mismatched = join(ca.certFile, "..", "other.key");
    writeFileSync(mismatched, other.key);
    const start = (cert: string, key: string) =>
      startTls({
        settings: tlsSettings({ KEYWARD_TLS: "files", KEYWARD_TLS_CERT: cert, KEYWARD_TLS_KEY: key }),
        log,
        host: "127.0.0.1",
        httpsPort: () => undefined,
        store: null,
      });
    await expect(start(join(ca.certFile, "..", "missing.pem"), keyFile)).rejects.toThrow(
      /KEYWARD_TLS_CERT: cannot read .*missing\.pem \(ENOENT\)/,
    );
    await expect(start(certFile, mismatched)).rejects.toThrow(/does not match the certificate/);
  });
});
