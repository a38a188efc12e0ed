// KEYWARD_TLS=auto against a real ACME server (Debian's pebble, started here): the certificate is
// ordered over HTTP-01, answered from the shared database store, served to a client that trusts only
// pebble's root, kept sealed, shared with a second process instead of ordered twice, and renewed and
// swapped in live once it is due.
import type { AddressInfo } from "node:net";
import { type Pebble, startPebble } from "@keyward/child-servers/pebble";
import { eventually, get, presentedFingerprint } from "@keyward/child-servers/tls-client";
import { aesSecretBox, DEVELOPMENT_ENCRYPTION_KEY } from "@keyward/core";
import { useTestDatabase } from "@keyward/db/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeywardServer, databaseAcmeStore, HSTS_HEADER, startTls, type Tls, tlsSettings } from "../src";

const fixture = useTestDatabase();
let pebble: Pebble;
let root: string;
const stops: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  pebble = await startPebble();
  root = await pebble.root();
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await pebble?.stop();
});

interface Started {
  tls: Tls;
  port: number;
  logs: string[];
}

async function serve(domain: string, options: { now?: () => Date; checkIntervalMs?: number } = {}): Promise<Started> {
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), error: (m: string) => logs.push(`error: ${m}`) };
  let port: number | undefined;
  const tls = (await startTls({
    settings: tlsSettings({
      KEYWARD_TLS: "auto",
      KEYWARD_TLS_DOMAINS: domain,
      KEYWARD_ACME_DIRECTORY: pebble.directoryUrl,
      KEYWARD_ACME_CA_FILE: pebble.directoryCaFile,
      KEYWARD_ACME_HTTP_PORT: String(pebble.httpPort),
      KEYWARD_ACME_EMAIL: "ops@keyward.test",
    }),
    log,
    host: "127.0.0.1",
    httpsPort: () => port,
    store: databaseAcmeStore(fixture.db, aesSecretBox(DEVELOPMENT_ENCRYPTION_KEY)),
    acmeRetryMs: 100,
    acmeCheckIntervalMs: options.checkIntervalMs,
    now: options.now,
  })) as Tls;
  const server = createKeywardServer(tls.source, (req, res) => res.end(`over tls: ${req.headers.authorization}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  stops.push(async () => {
    server.close();
    server.closeAllConnections();
    await tls.stop();
  });
  return { tls, port, logs };
}

describe("KEYWARD_TLS=auto with pebble", () => {
  it("obtains a certificate that a client trusting pebble's root accepts, and keeps its key sealed", async () => {
    const { port, logs } = await serve("api.keyward.test");
    const answer = await get(`https://127.0.0.1:${port}/`, {
      ca: root,
      servername: "api.keyward.test",
      headers: { host: "api.keyward.test", authorization: "Bearer kw_test" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("over tls: Bearer kw_test");
    expect(answer.headers["strict-transport-security"]).toBe(HSTS_HEADER);
    expect(logs.some((l) => l.startsWith("TLS certificate issued for api.keyward.test"))).toBe(true);

    const row = await fixture.db.tlsCertificate.findUniqueOrThrow({ where: { name: "api.keyward.test" } });
    expect(row.certificatePem).toContain("BEGIN CERTIFICATE");
    expect(row.sealedKey).not.toContain("PRIVATE KEY");
    expect(row.orderingUntil).toBeNull();
    const account = await fixture.db.acmeAccount.findUniqueOrThrow({ where: { directoryUrl: pebble.directoryUrl } });
    expect(account.sealedKey).not.toContain("PRIVATE KEY");
    expect(await fixture.db.acmeChallenge.count()).toBe(0);
  });

  it("gives a second process the stored certificate instead of ordering again", async () => {
    const first = await fixture.db.tlsCertificate.findUniqueOrThrow({ where: { name: "api.keyward.test" } });
    const second = await serve("api.keyward.test");
    expect(second.logs.some((l) => l.startsWith("TLS certificate issued"))).toBe(false);
    // The first process holds the challenge port; this one said so and went on.
    expect(second.logs.some((l) => l.includes(`port ${pebble.httpPort} is in use`))).toBe(true);
    const served = await presentedFingerprint(second.port, "api.keyward.test", root);
    expect(served).toBe(second.tls.source.current().fingerprint);
    const after = await fixture.db.tlsCertificate.findUniqueOrThrow({ where: { name: "api.keyward.test" } });
    expect(after.certificatePem).toBe(first.certificatePem);
  });

  it("makes one order when two processes start together with nothing stored", async () => {
    const [a, b] = await Promise.all([serve("pair.keyward.test"), serve("pair.keyward.test")]);
    expect(a.tls.source.current().fingerprint).toBe(b.tls.source.current().fingerprint);
    const issued = [...a.logs, ...b.logs].filter((l) => l.startsWith("TLS certificate issued"));
    expect(issued).toHaveLength(1);
  });

  it("renews a certificate once it is due and serves the new one without a restart", async () => {
    let shift = 0;
    const now = () => new Date(Date.now() + shift);
    const running = await serve("renew.keyward.test", { now, checkIntervalMs: 100 });
    const before = running.tls.source.current();
    expect(await presentedFingerprint(running.port, "renew.keyward.test", root)).toBe(before.fingerprint);
    // Move the clock to a day before expiry: well inside the 30-day renewal window.
    shift = before.notAfter.getTime() - Date.now() - 86_400_000;
    await eventually(
      "a renewed certificate is served",
      async () => {
        return (await presentedFingerprint(running.port, "renew.keyward.test", root)) !== before.fingerprint;
      },
      30_000,
    );
    const renewed = running.tls.source.current();
    expect(renewed.notAfter.getTime()).toBeGreaterThan(before.notAfter.getTime() - 1000);
    const row = await fixture.db.tlsCertificate.findUniqueOrThrow({ where: { name: "renew.keyward.test" } });
    expect(row.certificatePem).toBe(renewed.cert);
  });
});
