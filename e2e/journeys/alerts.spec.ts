// Journey: an admin creates an auth-failure rule in the dashboard with a webhook; a burst of refused
// requests fires it; the webhook receiver started here gets it with a signature it verifies with
// node:crypto, the nav shows an unseen-alert badge, and the alerts page shows it delivered with its
// payload. The "send test alert" button reaches the receiver too; a viewer sees no way to change rules.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createKey, revokeKey } from "@keyward/core";
import { stackUrl } from "../support/env";
import { expect, test } from "../support/fixtures";
import { createMember, logIn } from "../support/members";
import { expectAccessible, within } from "../support/page-checks";

const EMAIL = "alerts-admin@acme.test";
const PASSWORD = "alert me when it burns";
const SECRET = "whsec_e2e_journey_0123456789";
const RULE = "Bursts of refused requests";

interface Received {
  body: string;
  json: { id: string; test: boolean; rule: { name: string; kind: string }; key: { id: string } | null };
  verified: boolean;
}

/** Recomputes `t=<unix>,v1=<hex>` over "<t>.<raw body>" with the shared secret, as a customer's receiver would. */
function verify(header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) return false;
  const expected = Buffer.from(createHmac("sha256", SECRET).update(`${match[1]}.${body}`).digest("hex"));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

let server: Server;
let receiverUrl: string;
const received: Received[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const header = req.headers["keyward-signature"];
      received.push({
        body,
        json: JSON.parse(body),
        verified: verify(typeof header === "string" ? header : undefined, body),
      });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keyward`;
});
test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test("an auth-failure rule made in the dashboard fires once on a burst, verified by the receiver and shown delivered", async ({
  page,
  db,
  screenshotStep,
  browserErrors,
}) => {
  test.setTimeout(180_000);
  const { companyId, userId } = await createMember(db, EMAIL, PASSWORD, "admin");
  const { key, secret } = await createKey(
    db,
    companyId,
    { name: "payments-worker", scopes: ["keys:read"], environment: "live" },
    { type: "user", id: userId },
  );
  // A key that no longer works: the picker lists it apart, with its status.
  const retired = await createKey(
    db,
    companyId,
    { name: "retired-worker", scopes: ["keys:read"], environment: "live" },
    { type: "user", id: userId },
  );
  await revokeKey(db, companyId, retired.key.id, "replaced", { type: "user", id: userId });

  await logIn(page, EMAIL, PASSWORD);
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();

  await test.step("the form refuses a rule it cannot deliver, field by field", async () => {
    await page.getByTestId("rule-name").fill(RULE);
    await page.getByTestId("rule-webhookUrl").fill("ftp://example.com/hook");
    await page.getByTestId("rule-webhookSecret").fill("short");
    await page.getByTestId("rule-submit").click();
    await expect(page.getByTestId("error-webhookUrl")).toBeVisible();
    await expectAccessible(page, "rule form with errors");
    await screenshotStep(page, "form-errors");
  });

  await test.step("the key picker shows a revoked key's status, apart from the keys in use", async () => {
    const scope = page.getByTestId("rule-scope");
    await expect(scope.locator('optgroup[label="Keys in use"] option', { hasText: "payments-worker" })).toHaveText(
      `payments-worker (${key.start}…)`,
    );
    await expect(
      scope.locator('optgroup[label="Revoked or expired keys"] option', { hasText: "retired-worker" }),
    ).toHaveText(`retired-worker (${retired.key.start}…) · revoked`);
  });

  await test.step("create the rule: 5 refusals of the key in 60 s, webhook with a signing secret", async () => {
    await page.getByTestId("rule-kind").selectOption("auth_failures");
    await page.getByTestId("rule-threshold").fill("5");
    await page.getByTestId("rule-windowSeconds").fill("60");
    await page.getByTestId("rule-scope").selectOption(`key:${key.id}`);
    await page.getByTestId("rule-webhookUrl").fill(receiverUrl);
    await page.getByTestId("rule-webhookSecret").fill(SECRET);
    await page.getByTestId("rule-submit").click();
    await expect(page.getByTestId("rule-created")).toBeVisible();
    await expect(page.getByTestId("rule-row").filter({ hasText: RULE })).toContainText("Enabled");
    await expect(page.getByTestId("rules-list")).not.toContainText(SECRET);
    await screenshotStep(page, "rule-created");
  });

  await test.step("a burst of refused requests fires it once; the receiver verifies the signature", async () => {
    // The API re-reads rules every few seconds: keep the burst going until it has, then a little more.
    const refused = async () => {
      const res = await fetch(`${stackUrl("E2E_API_URL")}/v1/audit-events`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      await res.body?.cancel();
      expect(res.status).toBe(403);
    };
    const took = await within(30_000, async () => {
      for (let i = 0; i < 5; i++) await refused();
      await new Promise((r) => setTimeout(r, 500));
      return received.length > 0;
    });
    expect(took).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 10; i++) await refused();
    // What is checked is that no second alert comes: give one the time it would take to arrive.
    await new Promise((r) => setTimeout(r, 3000));
    expect(received).toHaveLength(1);
    const [alert] = received;
    expect(alert?.verified).toBe(true);
    expect(alert?.json).toMatchObject({
      test: false,
      rule: { name: RULE, kind: "auth_failures" },
      key: { id: key.id },
    });
    expect(alert?.body).not.toContain(SECRET);
    expect(alert?.body).not.toContain(secret);
  });

  await test.step("the nav shows an unseen alert; the alerts page shows it delivered, with its payload", async () => {
    await page.goto("/keys");
    await expect(page.getByRole("navigation", { name: "Main", exact: true }).getByTestId("alerts-badge")).toHaveText(
      /1/,
    );
    await screenshotStep(page, "badge");
    await page.goto("/alerts");
    const row = page.getByTestId("alert-row").filter({ hasText: RULE });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("alert-status")).toHaveText("delivered");
    await row.getByText("Deliveries and payload").click();
    await expect(row.getByTestId("alert-payload")).toContainText(received[0]?.json.id ?? "missing");
    await expectAccessible(page, "alerts page");
    await screenshotStep(page, "alert-delivered");
    await page.goto("/keys");
    await expect(page.getByTestId("alerts-badge")).toHaveCount(0);
  });

  await test.step("edit the rule: a new threshold, the signing secret left empty is kept", async () => {
    await page.goto("/alerts");
    await page.getByTestId("rule-row").filter({ hasText: RULE }).getByTestId("rule-edit").click();
    const dialog = page.getByRole("dialog", { name: `Edit "${RULE}"` });
    await expect(dialog.getByTestId("rule-webhookUrl")).toHaveValue(receiverUrl);
    await expect(dialog.getByTestId("rule-webhookSecret")).toHaveValue("");
    await dialog.getByTestId("rule-threshold").fill("7");
    await dialog.getByTestId("rule-submit").click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("rule-row").filter({ hasText: RULE })).toContainText("7 in 60 s");
  });

  await test.step("send test alert: the receiver gets a payload signed with the kept secret", async () => {
    await page.getByTestId("rule-row").filter({ hasText: RULE }).getByTestId("rule-test").click();
    await expect(page.getByTestId("rule-action-result")).toContainText("Test alert queued");
    await expect.poll(() => received.filter((r) => r.json.test).length, { timeout: 20_000 }).toBe(1);
    expect(received.find((r) => r.json.test)?.verified).toBe(true);
  });

  await test.step("a viewer sees the rule and its alerts but no way to change them", async () => {
    await createMember(db, "alerts-viewer@acme.test", "viewer password 123", "viewer");
    await page.context().clearCookies();
    await logIn(page, "alerts-viewer@acme.test", "viewer password 123");
    await page.goto("/alerts");
    await expect(page.getByTestId("rule-row").filter({ hasText: RULE })).toBeVisible();
    await expect(page.getByTestId("rule-form")).toHaveCount(0);
    await expect(page.getByTestId("rule-delete")).toHaveCount(0);
  });

  expect(browserErrors).toEqual([]);
});
