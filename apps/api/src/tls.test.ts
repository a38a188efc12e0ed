// HTTPS on the real API process (src/main.ts): a certificate obtained from a local ACME server
// (Debian's pebble) and one given as files, each serving an authenticated request to a client that
// trusts only the issuing root; plain HTTP on the same port is redirected; replaced files are served
// without a restart; and a production start that would expose keys over plain HTTP is refused.

import { X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnLogged } from "@keyward/child-servers";
import { createTestCa, type TestCa } from "@keyward/child-servers/certificates";
import { type Pebble, startPebble } from "@keyward/child-servers/pebble";
import { eventually, get, httpsProbe, presentedFingerprint } from "@keyward/child-servers/tls-client";
import { createDb, type Db } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "./test/api-process";
import { setupAcme } from "./test/credentials";

let database: TestDatabase;
let db: Db;
let adminKey: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  adminKey = (await setupAcme(db)).adminKey.secret;
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const portOf = (api: ApiProcess) => Number(new URL(api.url).port);

describe("KEYWARD_TLS=auto (pebble)", () => {
  const NAME = "api.keyward.test";
  let pebble: Pebble;
  let root: string;
  let api: ApiProcess;

  beforeAll(async () => {
    pebble = await startPebble();
    root = await pebble.root();
    api = await startApiProcess(
      {
        DATABASE_URL: database.url,
        KEYWARD_TLS: "auto",
        KEYWARD_TLS_DOMAINS: NAME,
        KEYWARD_ACME_DIRECTORY: pebble.directoryUrl,
        KEYWARD_ACME_CA_FILE: pebble.directoryCaFile,
        KEYWARD_ACME_HTTP_PORT: String(pebble.httpPort),
      },
      { probe: httpsProbe(root, NAME), logLevel: "info" },
    );
  });

  afterAll(async () => {
    await api?.stop();
    await pebble?.stop();
  });

  it("serves an authenticated request over a certificate issued by the ACME server", async () => {
    const answer = await get(`${api.url}/v1/keys`, {
      ca: root,
      servername: NAME,
      headers: { host: NAME, authorization: `Bearer ${adminKey}` },
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.length).toBeGreaterThan(0);
    expect(answer.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(api.output()).toContain(`TLS certificate issued for ${NAME}`);
    expect(api.output()).toContain(`https://127.0.0.1:${portOf(api)}`);
    // The key travelled only inside TLS, and is in no log line.
    expect(api.output()).not.toContain(adminKey);
  });

  it("redirects plain HTTP on the same port to https://", async () => {
    const answer = await get(`http://127.0.0.1:${portOf(api)}/v1/health`, { headers: { host: NAME } });
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe(`https://${NAME}:${portOf(api)}/v1/health`);
  });
});

describe("KEYWARD_TLS=files", () => {
  let ca: TestCa;
  let api: ApiProcess;
  let certFile: string;
  let keyFile: string;

  beforeAll(async () => {
    ca = createTestCa();
    certFile = join(ca.certFile, "..", "api.pem");
    keyFile = join(ca.certFile, "..", "api.key");
    const pair = ca.issue(["localhost", "127.0.0.1"]);
    writeFileSync(certFile, pair.cert);
    writeFileSync(keyFile, pair.key);
    api = await startApiProcess(
      { DATABASE_URL: database.url, KEYWARD_TLS: "files", KEYWARD_TLS_CERT: certFile, KEYWARD_TLS_KEY: keyFile },
      { probe: httpsProbe(ca.cert, "localhost") },
    );
  });

  afterAll(async () => {
    await api?.stop();
    ca?.remove();
  });

  it("serves an authenticated request, then a replaced certificate without a restart", async () => {
    const verify = () => get(`${api.url}/v1/keys`, { ca: ca.cert, headers: { authorization: `Bearer ${adminKey}` } });
    expect((await verify()).status).toBe(200);
    const next = ca.issue(["localhost", "127.0.0.1"]);
    writeFileSync(keyFile, next.key);
    writeFileSync(certFile, next.cert);
    const fingerprint = new X509Certificate(next.cert).fingerprint256;
    await eventually("the API serves the new certificate", async () => {
      return (await presentedFingerprint(portOf(api), "localhost", ca.cert)) === fingerprint;
    });
    expect((await verify()).status).toBe(200);
  });
});

describe("a production start on a public address without TLS", () => {
  const MAIN = fileURLToPath(new URL("main.ts", import.meta.url));
  const start = async (env: Record<string, string>) => {
    const child = spawnLogged(process.execPath, ["--import", "tsx", MAIN], {
      name: "API",
      env: {
        ...process.env,
        NODE_ENV: "production",
        API_HOST: "0.0.0.0",
        API_PORT: "0",
        // Never reached: the refusal comes before the database.
        DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
        ...env,
      },
    });
    return { code: await child.exited, output: child.output() };
  };

  it("is refused with a sentence naming what is exposed and the settings that fix it", async () => {
    const { code, output } = await start({});
    expect(code).toBe(1);
    expect(output).toContain("The API listens on 0.0.0.0:0 over plain HTTP");
    expect(output).toContain("KEYWARD_TLS=files");
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("is refused when the TLS settings are incomplete", async () => {
    const { code, output } = await start({ KEYWARD_TLS: "files" });
    expect(code).toBe(1);
    expect(output).toContain("KEYWARD_TLS: KEYWARD_TLS=files needs KEYWARD_TLS_CERT");
    expect(output).not.toMatch(/\n\s+at /);
  });
});
