// The guard over HTTPS (KEYWARD_TLS=files, a certificate from a throwaway CA): a caller with the guard
// secret reaches a real upstream through TLS and gets HSTS; plain HTTP on the guard's port is
// redirected; and a production guard on a public address without TLS is refused unless
// KEYWARD_TLS=off says a load balancer terminates it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestCa, type TestCa } from "@keyward/child-servers/certificates";
import { get } from "@keyward/child-servers/tls-client";
import { createKey, setupFirstCompany } from "@keyward/core";
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGuardEnv } from "./env";
import { type RunningGuard, startGuard } from "./start";
import { GUARD_TEST_SECRET } from "./testing/managed-guard";
import { startUpstream, type Upstream } from "./testing/upstream";

// No database: the guard secret alone (an empty data folder, so no running `pnpm start` is found).
const dataDir = mkdtempSync(join(tmpdir(), "keyward-guard-tls-"));
const envWith = (vars: Record<string, string>) =>
  loadGuardEnv({ NODE_ENV: "test", LOG_LEVEL: "warn", KEYWARD_DATA_DIR: dataDir, ...vars });

let ca: TestCa;
let upstream: Upstream;
let guard: RunningGuard;
let port: number;

beforeAll(async () => {
  ca = createTestCa();
  const pair = ca.issue(["guard.keyward.test", "127.0.0.1"]);
  const certFile = join(dataDir, "guard.pem");
  const keyFile = join(dataDir, "guard.key");
  writeFileSync(certFile, pair.cert);
  writeFileSync(keyFile, pair.key);
  upstream = await startUpstream();
  guard = await startGuard(
    { upstream: upstream.url, authSecret: GUARD_TEST_SECRET, port: "0", host: "127.0.0.1" },
    envWith({ KEYWARD_TLS: "files", KEYWARD_TLS_CERT: certFile, KEYWARD_TLS_KEY: keyFile }),
  );
  port = Number(new URL(guard.url).port);
});

afterAll(async () => {
  await guard?.stop();
  await upstream?.close();
  ca?.remove();
});

describe("the guard with KEYWARD_TLS=files", () => {
  it("says https:// and lets a caller with the secret reach the upstream over TLS, with HSTS", async () => {
    expect(guard.url).toBe(`https://127.0.0.1:${port}`);
    const answer = await get(`https://127.0.0.1:${port}/vehicles/7`, {
      ca: ca.cert,
      servername: "guard.keyward.test",
      headers: { "keyward-auth-key": GUARD_TEST_SECRET },
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ method: "GET", url: "/vehicles/7" });
    expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000");
    // Without a credential, still the guard's 401, over TLS.
    expect((await get(`https://127.0.0.1:${port}/vehicles/7`, { ca: ca.cert })).status).toBe(401);
  });

  it("redirects plain HTTP on its port to https://, before any credential is read", async () => {
    const seen = upstream.seen.length;
    const answer = await get(`http://127.0.0.1:${port}/vehicles/7`, {
      headers: { host: `guard.keyward.test:${port}`, "keyward-auth-key": GUARD_TEST_SECRET },
    });
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe(`https://guard.keyward.test:${port}/vehicles/7`);
    expect(upstream.seen.length).toBe(seen);
  });
});

describe("the guard with KEYWARD_TLS=files and a database", () => {
  it("lets a managed API key through to the upstream over TLS", { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url);
    let managed: RunningGuard | undefined;
    try {
      const { companyId } = await setupFirstCompany(db, {
        company: "Acme",
        email: "o@acme.test",
        password: "correct horse battery",
      });
      const { secret } = await createKey(
        db,
        companyId,
        { name: "guard over tls", scopes: ["vehicles:read"], environment: "live" },
        { type: "system" },
      );
      managed = await startGuard(
        {
          upstream: upstream.url,
          authSecret: GUARD_TEST_SECRET,
          port: "0",
          host: "127.0.0.1",
          route: ["GET /vehicles/* -> vehicles:read"],
        },
        envWith({
          DATABASE_URL: database.url,
          KEYWARD_TLS: "files",
          KEYWARD_TLS_CERT: join(dataDir, "guard.pem"),
          KEYWARD_TLS_KEY: join(dataDir, "guard.key"),
        }),
      );
      const answer = await get(`${managed.url}/vehicles/8`, {
        ca: ca.cert,
        servername: "guard.keyward.test",
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ method: "GET", url: "/vehicles/8" });
      expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000");
    } finally {
      await managed?.stop();
      await db.$disconnect();
      await database.drop();
    }
  });
});

describe("a production guard on a public address", () => {
  const flags = { upstream: "http://127.0.0.1:9", authSecret: GUARD_TEST_SECRET, port: "0", host: "0.0.0.0" };

  it("is refused without TLS, naming what is exposed", async () => {
    await expect(startGuard(flags, envWith({ NODE_ENV: "production" }))).rejects.toMatchObject({
      kind: "usage",
      message: expect.stringContaining("The guard listens on 0.0.0.0:0 over plain HTTP"),
    });
  });

  it("starts with KEYWARD_TLS=off written out (a load balancer terminates TLS), printing the warning", async () => {
    const printed = await stdoutOf(async () => {
      const started = await startGuard(flags, envWith({ NODE_ENV: "production", KEYWARD_TLS: "off" }));
      expect(started.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      await started.stop();
    });
    expect(printed).toContain(
      "WARNING: The guard listens on 0.0.0.0:0 over plain HTTP: API keys, session cookies and passwords sent to it cross the network unencrypted (KEYWARD_TLS=off): only safe when a load balancer in front terminates TLS.\n",
    );
  });

  it("is refused when the TLS settings are incomplete, or auto has no database to keep certificates in", async () => {
    await expect(startGuard(flags, envWith({ KEYWARD_TLS: "files" }))).rejects.toMatchObject({
      kind: "usage",
      message: expect.stringContaining("KEYWARD_TLS=files needs KEYWARD_TLS_CERT"),
    });
    await expect(
      startGuard(
        { ...flags, host: "127.0.0.1" },
        envWith({ KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "guard.keyward.test", KEYWARD_ACME_HTTP_PORT: "1" }),
      ),
    ).rejects.toMatchObject({
      kind: "usage",
      message: expect.stringContaining("KEYWARD_TLS=auto keeps the certificate in the database"),
    });
  });
});

/** What `run` writes on stdout (startGuard prints its banner and warnings there), still passed through. */
async function stdoutOf(run: () => Promise<void>): Promise<string> {
  const write = process.stdout.write;
  let printed = "";
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    printed += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
  return printed;
}
