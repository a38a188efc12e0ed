// A suspended company (PATCH /v1/companies/:id by an operator key) is refused at once, whatever
// credential its callers hold and however warm the caches are; the refusals land in its audit log
// with their cause; resuming lets everyone back in. Deleting it stops its credentials for good.
import { createOperatorKey, createStarterKeys, deleteCompany, OPERATOR_SCOPES } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginUser, testIp, UNAUTHORIZED_BODY } from "../../test/credentials";
import { type Harness, injectAs, type Method, startHarness } from "../../test/harness";

let h: Harness;
let operator: string;
const ip = testIp();
beforeAll(async () => {
  // Counts are written only when the test flushes them.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
  operator = (await createOperatorKey(h.db, { name: "ops", scopes: [...OPERATOR_SCOPES] }, null)).secret;
});
afterAll(() => h.close());

interface Tenant {
  companyId: string;
  adminKey: string;
  adminKeyId: string;
  keyToken: string;
  userToken: string;
  ownerEmail: string;
}

const PASSWORD = "tenant owner password";

/** A company as an operator's service makes it, with the keys the CLI would give it, each used once. */
async function newTenant(name: string): Promise<Tenant> {
  const ownerEmail = `owner@${name.toLowerCase().replace(/[^a-z]/g, "")}.test`;
  const created = await call(operator, "POST", "/v1/companies", { name, ownerEmail, ownerPassword: PASSWORD });
  expect(created.statusCode, created.body).toBe(201);
  const companyId = created.json().company.id as string;
  const { adminKey } = await createStarterKeys(h.db, companyId, { type: "system" }, "test");
  const keyToken = (await call(adminKey.secret, "POST", "/v1/auth/token")).json().token as string;
  const userToken = await loginUser(h.app, ownerEmail, PASSWORD, ip);
  const tenant = {
    companyId,
    adminKey: adminKey.secret,
    adminKeyId: adminKey.key.id,
    keyToken,
    userToken,
    ownerEmail,
  };
  // Every credential in every cache: the refusals below must not depend on a cold cache.
  for (const credential of credentialsOf(tenant))
    expect((await call(credential, "GET", "/v1/keys")).statusCode).toBe(200);
  return tenant;
}

const credentialsOf = (t: Tenant) => [t.adminKey, t.keyToken, t.userToken];

const call = (credential: string, method: Method, url: string, payload?: object) =>
  injectAs(h.app, credential, ip, method, url, payload);

const setStatus = async (companyId: string, status: "active" | "suspended") => {
  const res = await call(operator, "PATCH", `/v1/companies/${companyId}`, { status });
  expect(res.statusCode, res.body).toBe(200);
};

describe("a suspended company", () => {
  it("401 for its key, key token and user token at once; 403 'suspended' for its owner's login; another company is untouched", async () => {
    const tenant = await newTenant("Hooli");
    await setStatus(tenant.companyId, "suspended");

    for (const credential of credentialsOf(tenant)) {
      const res = await call(credential, "GET", "/v1/keys");
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(UNAUTHORIZED_BODY);
    }
    const login = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      remoteAddress: ip,
      payload: { email: tenant.ownerEmail, password: PASSWORD },
    });
    expect(login.statusCode).toBe(403);
    expect(login.json().errors[0].message).toContain("suspended");
    expect((await call(h.adminKey, "GET", "/v1/keys")).statusCode).toBe(200);
  });

  it("an operator key verifying its key gets COMPANY_SUSPENDED with the company", async () => {
    const tenant = await newTenant("Pied Piper");
    await setStatus(tenant.companyId, "suspended");
    const res = await call(operator, "POST", "/v1/keys/verify", { key: tenant.adminKey });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      valid: false,
      code: "COMPANY_SUSPENDED",
      keyId: tenant.adminKeyId,
      companyId: tenant.companyId,
      company: { id: tenant.companyId, name: "Pied Piper" },
    });
  });

  it("resumed: every credential works again, and its audit log shows the refusals with cause COMPANY_SUSPENDED", async () => {
    const tenant = await newTenant("Aviato");
    await setStatus(tenant.companyId, "suspended");
    expect((await call(tenant.adminKey, "GET", "/v1/keys")).statusCode).toBe(401);
    expect((await call(tenant.adminKey, "GET", "/v1/keys")).statusCode).toBe(401);
    await setStatus(tenant.companyId, "active");

    for (const credential of credentialsOf(tenant)) {
      expect((await call(credential, "GET", "/v1/keys")).statusCode).toBe(200);
    }
    await h.app.keyward.usage.flush();
    const events = await call(tenant.adminKey, "GET", "/v1/audit-events?action=request.refused");
    expect(events.statusCode, events.body).toBe(200);
    expect(events.json().data).toEqual([
      expect.objectContaining({
        keyId: tenant.adminKeyId,
        reason: "COMPANY_SUSPENDED",
        metadata: expect.objectContaining({ count: 2 }),
      }),
    ]);
    const buckets = await h.db.usageBucket.findMany({
      where: { keyId: tenant.adminKeyId, outcome: "company_suspended" },
    });
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(2);
  });
});

describe("a deleted company (core deleteCompany: the CLI, the dashboard)", () => {
  it("401 for its key and key token as soon as the deletion is announced, and for a change by its user token", async () => {
    const tenant = await newTenant("Endframe");
    const { keyIds } = await deleteCompany(h.db, tenant.companyId);
    expect(keyIds).toContain(tenant.adminKeyId);
    // What a caller with this replica's key-change feed does; other replicas read the key-change log (replicas.test.ts).
    await Promise.all(keyIds.map((id) => h.app.keyward.keyChanges.announce(id)));
    for (const credential of [tenant.adminKey, tenant.keyToken]) {
      expect((await call(credential, "GET", "/v1/keys")).statusCode).toBe(401);
    }
    // A user token's membership is read fresh for a change (reads may use it for MEMBERSHIP_CACHE_MS, as after a removal).
    const change = await call(tenant.userToken, "POST", "/v1/keys", {
      name: "k",
      scopes: ["keys:read"],
      environment: "live",
    });
    expect(change.statusCode).toBe(401);
    expect((await call(operator, "GET", `/v1/companies/${tenant.companyId}`)).statusCode).toBe(404);
    expect((await call(operator, "POST", "/v1/keys/verify", { key: tenant.adminKey })).json()).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
  });
});
