// Users of several companies through the API: POST /v1/auth/login names the company (id or name),
// the token is for that company only, GET /v1/me lists the user's companies; an operator may open
// any company with owner rights and is audited there as the operator; a suspended company is said
// to be suspended only to whoever knows the password.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, testIp, WRONG_PASSWORD_BODY } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
const ip = testIp();
let globex: { id: string; name: string };
let member: { userId: string; email: string; password: string };
beforeAll(async () => {
  h = await startHarness();
  globex = await h.db.company.create({ data: { name: "Globex" }, select: { id: true, name: true } });
  // An admin of Acme (joined first), then a viewer of Globex.
  member = await addMember(h.db, h.companyId, "admin");
  await h.db.membership.create({ data: { companyId: globex.id, userId: member.userId, role: "viewer" } });
});
afterAll(() => h.close());

const login = (payload: object) => h.app.inject({ method: "POST", url: "/v1/auth/login", payload, remoteAddress: ip });
const me = (token: string) => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(token), remoteAddress: ip });

describe("POST /v1/auth/login with company", () => {
  it("200 without company: the user's first company", async () => {
    const res = await login({ email: member.email, password: member.password });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { role: "admin" }, company: { id: h.companyId, name: "Acme" } });
    expect(decodeJwt(res.json().token)).toMatchObject({ company: h.companyId, role: "admin" });
  });

  it.each([
    ["id", () => globex.id],
    ["name", () => "Globex"],
  ])("200 with the company's %s: a token for that company with the role there", async (_by, company) => {
    const res = await login({ email: member.email, password: member.password, company: company() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: member.userId, role: "viewer" }, company: globex });
    expect(decodeJwt(res.json().token)).toMatchObject({ company: globex.id, role: "viewer" });
    // The token acts in Globex with a viewer's rights, and nowhere else.
    const keys = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(res.json().token),
      remoteAddress: ip,
      payload: { name: "n", scopes: ["keys:read"], environment: "live" },
    });
    expect(keys.statusCode).toBe(403);
    const event = await h.db.auditEvent.findFirst({
      where: { companyId: globex.id, action: "user.logged_in", actorId: member.userId },
    });
    expect(event).toMatchObject({ actorType: "user" });
  });

  it("401 for a company the user is not a member of, exactly as a wrong password", async () => {
    const initech = await h.db.company.create({ data: { name: "Initech" } });
    for (const company of [initech.id, "Initech", "No Such Company"]) {
      const res = await login({ email: member.email, password: member.password, company });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(WRONG_PASSWORD_BODY);
    }
    expect((await login({ email: member.email, password: "wrong", company: globex.id })).json()).toEqual(
      WRONG_PASSWORD_BODY,
    );
  });

  it("401 for a name two of the user's companies share: the caller must give the id", async () => {
    const user = await addMember(h.db, h.companyId, "viewer");
    for (const name of ["Twin", "Twin"]) {
      const twin = await h.db.company.create({ data: { name } });
      await h.db.membership.create({ data: { companyId: twin.id, userId: user.userId, role: "viewer" } });
    }
    expect((await login({ email: user.email, password: user.password, company: "Twin" })).statusCode).toBe(401);
  });

  it("400 for company with the key form, blank, or over 120 characters", async () => {
    for (const payload of [
      { key: h.adminKey, company: globex.id },
      { email: member.email, password: member.password, company: " " },
      { email: member.email, password: member.password, company: "x".repeat(121) },
    ]) {
      const res = await login(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
    }
  });

  it("an operator opens a company they are no member of with owner rights; the login is audited there as the operator", async () => {
    // The setup user (owner@acme.test) is the installation's operator and no member of Globex.
    const res = await login({ email: "owner@acme.test", password: "correct horse battery", company: "Globex" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { role: "owner" }, company: globex });
    const event = await h.db.auditEvent.findFirstOrThrow({
      where: { companyId: globex.id, action: "user.logged_in" },
      orderBy: { createdAt: "desc" },
    });
    expect(event).toMatchObject({ actorType: "operator", actorId: res.json().user.id });
    // Their companies are still the ones they are a member of.
    expect((await me(res.json().token)).json().companies).toEqual([
      { id: h.companyId, name: "Acme", role: "owner", suspended: false },
    ]);
    // What they do there is the operator's doing too, in that company's log.
    const created = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(res.json().token),
      remoteAddress: ip,
      payload: { name: "made by the operator", scopes: ["keys:read"], environment: "test" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const made = await h.db.auditEvent.findFirstOrThrow({
      where: { companyId: globex.id, action: "key.created", targetId: created.json().id },
    });
    expect(made).toMatchObject({ actorType: "operator", actorId: res.json().user.id });
  });

  it("403 FORBIDDEN 'suspended' for the right password to a suspended company; a wrong one stays a 401", async () => {
    const suspended = await h.db.company.create({ data: { name: "Dormant", suspendedAt: new Date() } });
    await h.db.membership.create({ data: { companyId: suspended.id, userId: member.userId, role: "admin" } });
    const res = await login({ email: member.email, password: member.password, company: "Dormant" });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0]).toEqual({ code: "FORBIDDEN", message: expect.stringContaining("suspended") });
    const wrong = await login({ email: member.email, password: "not it", company: "Dormant" });
    expect(wrong.statusCode).toBe(401);
    // Without a company the first one that is not suspended is chosen.
    expect((await login({ email: member.email, password: member.password })).json().company.id).toBe(h.companyId);
    await h.db.company.delete({ where: { id: suspended.id } });
  });
});

describe("GET /v1/me: a user's companies", () => {
  it("200 lists every company of the user in the order they joined, with their role in each", async () => {
    const token = (await login({ email: member.email, password: member.password, company: "Globex" })).json().token;
    const res = await me(token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ type: "user", company: globex, role: "viewer" });
    expect(res.json().companies).toEqual([
      { id: h.companyId, name: "Acme", role: "admin", suspended: false },
      { id: globex.id, name: "Globex", role: "viewer", suspended: false },
    ]);
  });

  it("a key has no companies: it belongs to one", async () => {
    expect((await me(h.adminKey)).json().companies).toBeUndefined();
  });
});
