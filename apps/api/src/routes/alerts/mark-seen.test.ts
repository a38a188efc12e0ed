// POST /v1/alerts/seen changes what every member's badge counts: a viewer changes nothing, this included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, loginUser, testIp } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
const ip = testIp();
beforeAll(async () => {
  h = await startHarness();
  const rule = await h.db.alertRule.create({
    data: {
      companyId: h.companyId,
      name: "fixture",
      kind: "auth_failures",
      threshold: 1,
      windowSeconds: 60,
      channels: [],
    },
  });
  const now = new Date();
  for (let i = 0; i < 3; i++) {
    await h.db.alert.create({
      data: { companyId: h.companyId, ruleId: rule.id, count: 1, windowStart: now, windowEnd: now, payload: {} },
    });
  }
});
afterAll(() => h.close());

const markSeen = (token: string) =>
  h.app.inject({ method: "POST", url: "/v1/alerts/seen", headers: bearer(token), remoteAddress: ip });
const unseen = () => h.db.alert.count({ where: { companyId: h.companyId, seenAt: null } });

describe("POST /v1/alerts/seen", () => {
  it("403 FORBIDDEN: a read-only key cannot mark alerts seen, and none is marked", async () => {
    const res = await markSeen(h.readOnlyKey);
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0]).toMatchObject({ code: "FORBIDDEN", details: { required: ["alerts:write"] } });
    expect(await unseen()).toBe(3);
  });

  it("403 FORBIDDEN: a viewer's token cannot either", async () => {
    const viewer = await addMember(h.db, h.companyId, "viewer");
    const res = await markSeen(await loginUser(h.app, viewer.email, viewer.password, ip));
    expect(res.statusCode).toBe(403);
    expect(await unseen()).toBe(3);
  });

  it("200: an admin marks them seen", async () => {
    const admin = await addMember(h.db, h.companyId, "admin");
    const res = await markSeen(await loginUser(h.app, admin.email, admin.password, ip));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ marked: 3 });
    expect(await unseen()).toBe(0);
  });
});
