// Journey: an admin generates the guard secret in Settings → Guard (shown once), a guard started
// with no --auth-secret takes it from the dashboard and lets the secret through, "Renew token" shows
// a fresh token once that the same guard accepts, the token lifetime is changed (a bad one refused),
// every change is in the audit log without the secret, and a viewer sees the state but no buttons.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Spawned, spawnLogged } from "@keyward/child-servers";
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";
import { REPO_ROOT } from "../support/stack";

const EMAIL = "gina@acme.test";
const PASSWORD = "guarding the gate";
const VIEWER = "vic@acme.test";

let upstream: Server;
let guard: Spawned | null = null;

test.beforeAll(async () => {
  upstream = createServer((_req, res) => res.end("upstream says hi"));
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
});
test.afterAll(async () => {
  await guard?.stop();
  upstream?.close();
});

/** `keyward guard` with no secret flag: it reads the dashboard's secret and TTL. */
async function startGuard(companyId: string): Promise<string> {
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const started = spawnLogged(
    process.execPath,
    ["--import", "tsx", "src/main.ts", "guard", "--upstream", upstreamUrl, "--port", "0", "--company", companyId],
    {
      name: "guard",
      cwd: join(REPO_ROOT, "apps/cli"),
      env: { ...process.env, DATABASE_URL: stackUrl("E2E_DATABASE_URL"), LOG_LEVEL: "warn" },
      forceKillAfterMs: 10_000,
    },
  );
  guard = started;
  await expect
    .poll(
      () => {
        if (started.child.exitCode !== null) throw new Error(`guard exited:\n${started.output()}`);
        return started.output();
      },
      { message: "guard started", timeout: 60_000, intervals: [100] },
    )
    .toMatch(/Managed API keys/);
  return /Keyward guard on (\S+)/.exec(started.output())?.[1] ?? "";
}

test("generate the guard secret, use it through a guard, renew the token, change the TTL", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  test.setTimeout(180_000);
  const { companyId } = await createMember(db, EMAIL, PASSWORD, "admin");
  await logIn(page, EMAIL, PASSWORD);
  await page.getByRole("link", { name: "Settings" }).click();
  const section = page.getByRole("region", { name: "Guard" });

  let secret = "";
  const secrets: string[] = [];
  await test.step("the secret is generated and shown once", async () => {
    await expect(section.getByTestId("guard-secret-state")).toHaveText("Not set");
    await expect(section.getByTestId("guard-token-renew")).toBeDisabled();
    await section.getByTestId("guard-secret-generate").click();
    await expect(section.getByTestId("guard-secret-reveal")).toContainText("You will not see it again");
    secret = await section.getByTestId("guard-secret-value").inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    secrets.push(secret);
    await expect(section.getByTestId("guard-secret-state")).toHaveText("Set");
    await expectAccessible(page, "guard settings");
    await screenshotStep(page, "secret-shown");
    await page.reload();
    await expect(page.getByText(secret)).toHaveCount(0);
  });

  let guardUrl = "";
  await test.step("a guard without --auth-secret uses the dashboard's secret", async () => {
    guardUrl = await startGuard(companyId);
    expect((await fetch(`${guardUrl}/`)).status).toBe(401);
    const res = await fetch(`${guardUrl}/`, { headers: { "keyward-auth-key": secret } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("upstream says hi");
  });

  await test.step("renew token shows a fresh token once, which the guard accepts", async () => {
    await section.getByTestId("guard-token-renew").click();
    await expect(section.getByTestId("guard-token-reveal")).toBeVisible();
    const token = await section.getByTestId("guard-token-value").inputValue();
    expect(token.split(".")).toHaveLength(3);
    expect((await fetch(`${guardUrl}/`, { headers: { "keyward-auth-token": token } })).status).toBe(200);
    await screenshotStep(page, "token-shown");
  });

  await test.step("the token lifetime is changed; a bad one is refused", async () => {
    await expect(section.getByTestId("guard-ttl")).toHaveText("24h");
    await section.getByLabel("Token lifetime").fill("soon");
    await section.getByTestId("guard-ttl-save").click();
    await expect(section.getByTestId("guard-ttl-error")).toContainText("24h, 90m, 7d");
    await section.getByLabel("Token lifetime").fill("90m");
    await section.getByTestId("guard-ttl-save").click();
    await expect(section.getByTestId("guard-ttl-saved")).toContainText("90m");
    await expect(section.getByTestId("guard-ttl")).toHaveText("90m");
  });

  await test.step("regenerating (confirmed in a dialog) shows a new secret; the running guard drops the old one", async () => {
    await section.getByTestId("guard-secret-generate").click();
    const dialog = page.getByTestId("guard-regenerate-dialog");
    await expect(dialog).toBeVisible();
    await expectAccessible(page, "regenerate dialog");
    await dialog.getByTestId("guard-secret-confirm").click();
    await expect(section.getByTestId("guard-secret-reveal")).toBeVisible();
    const fresh = await section.getByTestId("guard-secret-value").inputValue();
    expect(fresh).not.toBe(secret);
    await expect
      .poll(async () => (await fetch(`${guardUrl}/`, { headers: { "keyward-auth-key": secret } })).status, {
        timeout: 15_000,
      })
      .toBe(401);
    expect((await fetch(`${guardUrl}/`, { headers: { "keyward-auth-key": fresh } })).status).toBe(200);
    secrets.push(fresh);
  });

  await test.step("every change is audited, never with the secret", async () => {
    const events = await db.auditEvent.findMany({ where: { companyId, action: { startsWith: "guard." } } });
    expect(events.map((e) => e.action).sort()).toEqual([
      "guard.secret_regenerated",
      "guard.secret_set",
      "guard.token_renewed",
      "guard.token_ttl_changed",
    ]);
    const row = await db.company.findUniqueOrThrow({ where: { id: companyId } });
    for (const value of secrets) {
      expect(JSON.stringify(events)).not.toContain(value);
      expect(row.guardSecretEnc).not.toContain(value);
    }
  });
  expect(browserErrors).toEqual([]);
});

test("a viewer sees the guard state but cannot change it", async ({ page, db }) => {
  await createMember(db, VIEWER, PASSWORD, "viewer");
  await logIn(page, VIEWER, PASSWORD);
  await page.getByRole("link", { name: "Settings" }).click();
  const section = page.getByRole("region", { name: "Guard" });
  await expect(section.getByTestId("guard-secret-state")).toBeVisible();
  await expect(section.getByTestId("guard-secret-generate")).toHaveCount(0);
  await expect(section.getByTestId("guard-token-renew")).toHaveCount(0);
});
