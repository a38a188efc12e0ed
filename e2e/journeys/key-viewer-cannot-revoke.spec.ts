// Journey: a viewer sees a key but has no revoke button, and a revoke forged as the server action's
// own POST (captured from an admin's browser, replayed with the viewer's session) is refused.
import { createKey } from "@keyward/core";
import { meStatus } from "../support/api";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { expectAccessible } from "../support/page-checks";

test("a viewer cannot revoke: no button, and a forged server-action POST is refused", async ({
  browser,
  db,
  screenshotStep,
}) => {
  const { companyId, userId } = await createMember(db, "keeper@acme.test", "an admin who keeps keys", "admin");
  await createMember(db, "watcher@acme.test", "a viewer who only looks", "viewer");
  const { key, secret } = await createKey(
    db,
    companyId,
    { name: "fleet-sync", scopes: ["*:read"], environment: "live" },
    { type: "user", id: userId },
  );

  const forged = await test.step("capture the revoke action's request from an admin's browser", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, "keeper@acme.test", "an admin who keeps keys");
    await page.goto(`/keys/${key.id}`);
    let captured: { url: string; headers: Record<string, string>; body: string } | null = null;
    await page.route(`**/keys/${key.id}`, async (route) => {
      const request = route.request();
      if (request.method() !== "POST") return route.continue();
      captured = { url: request.url(), headers: request.headers(), body: request.postData() ?? "" };
      return route.abort();
    });
    await page.getByTestId("revoke-open").click();
    await page.getByRole("button", { name: "Revoke fleet-sync" }).click();
    await expect.poll(() => captured !== null).toBe(true);
    await context.close();
    return captured as unknown as { url: string; headers: Record<string, string>; body: string };
  });
  expect(forged.headers["next-action"]).toBeTruthy();

  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, "watcher@acme.test", "a viewer who only looks");

  await test.step("the viewer sees the key without rotate or revoke", async () => {
    await page.goto(`/keys/${key.id}`);
    await expect(page.getByTestId("key-name")).toHaveText("fleet-sync");
    await expect(page.getByTestId("revoke-open")).toHaveCount(0);
    await expect(page.getByTestId("rotate-open")).toHaveCount(0);
    await expect(page.getByTestId("viewer-note")).toContainText("viewer");
    await expectAccessible(page, "key detail as viewer");
    await screenshotStep(page, "viewer-key-page");
  });

  await test.step("the forged POST with the viewer's session is refused and the key still works", async () => {
    const headers: Record<string, string> = {};
    for (const name of ["next-action", "content-type", "accept", "next-router-state-tree"]) {
      const value = forged.headers[name];
      if (value) headers[name] = value;
    }
    const response = await page.request.post(forged.url, { headers, data: forged.body });
    const body = await response.text();
    expect(body).toContain("Your role (viewer) cannot revoke keys");
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.revokedAt).toBeNull();
    expect(await meStatus(secret)).toBe(200);
    expect(await db.auditEvent.count({ where: { keyId: key.id, action: "key.revoked" } })).toBe(0);
  });
  await context.close();
});
