// Journey: the dashboard served over HTTPS by itself (KEYWARD_TLS=files, a certificate from a
// throwaway CA). A second dashboard on the stack's database is started with TLS; a member signs in over
// https://, the session cookie is Secure (next-auth's __Secure- name) and every page carries HSTS;
// plain HTTP on the same port is redirected to the https:// address.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, type Spawned, waitForHttp } from "@keyward/child-servers";
import { createTestCa, type TestCa } from "@keyward/child-servers/certificates";
import { get, httpsProbe } from "@keyward/child-servers/tls-client";
import { stackUrl, WEB_DIST_DIR } from "../support/env";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { startService } from "../support/stack";

const EMAIL = "tls-admin@acme.test";
const PASSWORD = "a password for the https journey";

let ca: TestCa;
let web: Spawned;
let origin: string;
let port: number;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  ca = createTestCa();
  const pair = ca.issue(["127.0.0.1", "localhost"]);
  const certFile = join(ca.certFile, "..", "dashboard.pem");
  const keyFile = join(ca.certFile, "..", "dashboard.key");
  writeFileSync(certFile, pair.cert);
  writeFileSync(keyFile, pair.key);
  port = await freePort();
  origin = `https://127.0.0.1:${port}`;
  web = startService("web-https", "pnpm", ["--filter", "@keyward/web", "start"], {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: stackUrl("E2E_DATABASE_URL"),
    // The build global-setup.ts made for the stack's own dashboard.
    KEYWARD_WEB_DIST_DIR: WEB_DIST_DIR,
    WEB_PORT: String(port),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    KEYWARD_API_URL: stackUrl("E2E_API_URL"),
    KEYWARD_TLS: "files",
    KEYWARD_TLS_CERT: certFile,
    KEYWARD_TLS_KEY: keyFile,
  });
  await waitForHttp(`${origin}/login`, web, 180_000, httpsProbe(ca.cert, "127.0.0.1"));
});

test.afterAll(async () => {
  await web?.stop();
  ca?.remove();
});

test("a member signs in over HTTPS with a Secure session cookie, and plain HTTP is redirected", async ({
  browser,
  db,
  screenshotStep,
}) => {
  await createMember(db, EMAIL, PASSWORD, "admin");
  // Chromium does not know the throwaway CA; the certificate itself is checked by the Node client below.
  const context = await browser.newContext({ baseURL: origin, ignoreHTTPSErrors: true });
  const page = await context.newPage();

  await test.step("the dashboard answers over TLS with the CA's certificate and HSTS", async () => {
    const login = await get(`${origin}/login`, { ca: ca.cert, servername: "127.0.0.1" });
    expect(login.status).toBe(200);
    expect(login.headers["strict-transport-security"]).toBe("max-age=31536000");
  });

  await test.step("signing in sets next-auth's Secure session cookie", async () => {
    await logIn(page, EMAIL, PASSWORD);
    await expect(page.getByRole("heading", { name: "Keys" })).toBeVisible();
    const session = (await context.cookies()).find((c) => c.name === "__Secure-authjs.session-token");
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax" });
    await screenshotStep(page, "keys-over-https");
  });

  await test.step("plain HTTP on the dashboard's port is redirected to https://", async () => {
    const answer = await get(`http://127.0.0.1:${port}/keys?filter=1`);
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe(`${origin}/keys?filter=1`);
  });

  // No secret in the dashboard's log: not the password, not the certificate's key.
  expect(web.output()).not.toContain(PASSWORD);
  expect(web.output()).not.toContain("PRIVATE KEY");
  await context.close();
});
