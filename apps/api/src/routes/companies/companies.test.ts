// GET/POST/PATCH /v1/companies with an operator key: what each answers, what it writes, and who it
// says did it in the company's own audit log.
import { randomUUID } from "node:crypto";
import { fingerprintOf, hashKey } from "@keyward/auth-core";
import { createOperatorKey, OPERATOR_SCOPES, publicCompanySchema } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginUser, testIp } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
let operator: { id: string; secret: string };
const ip = testIp();
beforeAll(async () => {
  h = await startHarness();
  const { key, secret } = await createOperatorKey(
    h.db,
    { name: "billing service", scopes: [...OPERATOR_SCOPES] },
    null,
  );
  operator = { id: key.id, secret };
});
afterAll(() => h.close());

const call = (method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
  h.app.inject({ method, url, headers: bearer(operator.secret), remoteAddress: ip, ...(payload ? { payload } : {}) });

const operatorActor = () => ({
  actorType: "operator_key",
  actorId: operator.id,
  fingerprint: fingerprintOf(hashKey(operator.secret)),
});

describe("GET /v1/companies", () => {
  it("200: every company, oldest first, each a public company", async () => {
    const other = await h.otherCompany();
    const res = await call("GET", "/v1/companies");
    expect(res.statusCode, res.body).toBe(200);
    const { data } = res.json();
    for (const company of data) expect(publicCompanySchema.strict().parse(company)).toEqual(company);
    const ids = data.map((c: { id: string }) => c.id);
    expect(ids.indexOf(h.companyId)).toBeLessThan(ids.indexOf(other.companyId));
    expect(data.find((c: { id: string }) => c.id === h.companyId)).toMatchObject({
      name: "Acme",
      keyPrefix: "kw",
      status: "active",
      suspendedAt: null,
      activeKeys: 2,
      members: 1,
    });
  });

  it("401 without a credential", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/companies", remoteAddress: ip });
    expect(res.statusCode).toBe(401);
  });
});

describe("GET /v1/companies/:id", () => {
  it("200: the company", async () => {
    const res = await call("GET", `/v1/companies/${h.companyId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: h.companyId, name: "Acme", status: "active" });
  });

  it("404 for a company that does not exist", async () => {
    const res = await call("GET", `/v1/companies/${randomUUID()}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().errors[0]).toMatchObject({ code: "NOT_FOUND", message: "Company not found" });
  });

  it("400 for an id that is not a UUID, as every path id", async () => {
    const res = await call("GET", "/v1/companies/acme");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });
});

describe("POST /v1/companies", () => {
  it("201: a company and a new owner who can log in to it; no key is minted; audited as the operator key", async () => {
    const email = `owner-${randomUUID().slice(0, 8)}@globex.test`;
    const res = await call("POST", "/v1/companies", {
      name: "Globex",
      ownerEmail: email.toUpperCase(),
      ownerPassword: "globex owner password",
      keyPrefix: "gx",
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.company).toMatchObject({
      name: "Globex",
      keyPrefix: "gx",
      status: "active",
      activeKeys: 0,
      members: 1,
    });
    expect(body.owner).toEqual({ id: expect.any(String), email, created: true });
    expect(JSON.stringify(body)).not.toContain("globex owner password");
    expect(await h.db.apiKey.count({ where: { companyId: body.company.id } })).toBe(0);

    const token = await loginUser(h.app, email, "globex owner password", ip);
    const me = await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(token), remoteAddress: ip });
    expect(me.json()).toMatchObject({ company: { id: body.company.id, name: "Globex" }, role: "owner" });

    const event = await h.db.auditEvent.findFirstOrThrow({
      where: { companyId: body.company.id, action: "company.created" },
    });
    expect(event).toMatchObject({ ...operatorActor(), metadata: { name: "Globex", owner: email } });
  });

  it("201: an existing user becomes the owner; a password sent with them is ignored, theirs still works", async () => {
    const res = await call("POST", "/v1/companies", {
      name: "Acme Two",
      ownerEmail: "owner@acme.test",
      ownerPassword: "an attempt to reset it",
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().owner).toMatchObject({ email: "owner@acme.test", created: false });
    expect(res.json().company.keyPrefix).toBe("kw");
    const login = (password: string) =>
      h.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        remoteAddress: ip,
        payload: { email: "owner@acme.test", password, company: res.json().company.id },
      });
    expect((await login("an attempt to reset it")).statusCode).toBe(401);
    expect((await login("correct horse battery")).statusCode).toBe(200);
  });

  it("400 for a new owner without ownerPassword: nothing is written", async () => {
    const before = { companies: await h.db.company.count(), users: await h.db.user.count() };
    const res = await call("POST", "/v1/companies", { name: "Initech", ownerEmail: "nobody-yet@initech.test" });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { issues: [{ path: ["ownerPassword"] }] },
    });
    expect({ companies: await h.db.company.count(), users: await h.db.user.count() }).toEqual(before);
  });

  it.each([
    ["no name", { ownerEmail: "a@b.test", ownerPassword: "long enough password" }],
    ["a blank name", { name: "  ", ownerEmail: "a@b.test", ownerPassword: "long enough password" }],
    ["a name over 120 characters", { name: "x".repeat(121), ownerEmail: "a@b.test", ownerPassword: "long enough pw" }],
    ["a bad email", { name: "X", ownerEmail: "not-an-email", ownerPassword: "long enough password" }],
    ["a short password", { name: "X", ownerEmail: "a@b.test", ownerPassword: "short" }],
    ["a bad prefix", { name: "X", ownerEmail: "a@b.test", ownerPassword: "long enough password", keyPrefix: "K_" }],
    ["an unknown field", { name: "X", ownerEmail: "a@b.test", ownerPassword: "long enough password", keys: true }],
  ])("400 for %s", async (_label, payload) => {
    const res = await call("POST", "/v1/companies", payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });
});

describe("PATCH /v1/companies/:id", () => {
  it("200: renamed, audited {from, to} as the operator key; the same name again writes nothing", async () => {
    const { companyId } = await h.otherCompany();
    const from = (await h.db.company.findUniqueOrThrow({ where: { id: companyId } })).name;
    const res = await call("PATCH", `/v1/companies/${companyId}`, { name: "  Renamed Ltd  " });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: companyId, name: "Renamed Ltd", status: "active" });
    const event = await h.db.auditEvent.findFirstOrThrow({ where: { companyId, action: "company.renamed" } });
    expect(event).toMatchObject({ ...operatorActor(), metadata: { from, to: "Renamed Ltd" } });

    expect((await call("PATCH", `/v1/companies/${companyId}`, { name: "Renamed Ltd" })).statusCode).toBe(200);
    expect(await h.db.auditEvent.count({ where: { companyId, action: "company.renamed" } })).toBe(1);
  });

  it("200: suspended, then resumed; each audited once as the operator key", async () => {
    const { companyId } = await h.otherCompany();
    const suspended = await call("PATCH", `/v1/companies/${companyId}`, { status: "suspended" });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toMatchObject({ status: "suspended", suspendedAt: expect.any(String) });
    expect((await call("PATCH", `/v1/companies/${companyId}`, { status: "suspended" })).statusCode).toBe(200);
    const resumed = await call("PATCH", `/v1/companies/${companyId}`, { status: "active" });
    expect(resumed.json()).toMatchObject({ status: "active", suspendedAt: null });

    const events = await h.db.auditEvent.findMany({
      where: { companyId, action: { in: ["company.suspended", "company.resumed"] } },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["company.suspended", "company.resumed"]);
    for (const event of events) expect(event).toMatchObject(operatorActor());
  });

  it("404 for a company that does not exist, nothing written", async () => {
    const before = await h.db.auditEvent.count();
    const res = await call("PATCH", `/v1/companies/${randomUUID()}`, { name: "Ghost", status: "suspended" });
    expect(res.statusCode).toBe(404);
    expect(await h.db.auditEvent.count()).toBe(before);
  });

  it.each([
    ["an empty body", {}],
    ["an unknown status", { status: "deleted" }],
    ["a blank name", { name: "" }],
    ["an unknown field", { keyPrefix: "zz" }],
  ])("400 for %s", async (_label, payload) => {
    const res = await call("PATCH", `/v1/companies/${h.companyId}`, payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("400 for an id that is not a UUID", async () => {
    const res = await call("PATCH", "/v1/companies/Acme", { name: "x" });
    expect(res.statusCode).toBe(400);
  });
});
