// A removed or demoted member loses access within MEMBERSHIP_CACHE_MS, though their token lasts an hour:
// reads, what /v1/me says, and an event stream they have open.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";
import { addMember, loginUser, testIp } from "./testing";

const CACHE_MS = 300;

let h: Harness;
let base: string;
const ip = testIp();
beforeAll(async () => {
  h = await startHarness({ MEMBERSHIP_CACHE_MS: String(CACHE_MS), EVENTS_POLL_INTERVAL_MS: "100" });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  h.app.server.closeAllConnections();
  await h.close();
});

const get = (url: string, token: string) =>
  h.app.inject({ method: "GET", url, headers: bearer(token), remoteAddress: ip });
const removeMember = (userId: string) => h.db.membership.deleteMany({ where: { userId, companyId: h.companyId } });
const WAIT = { timeout: 10_000, interval: 50 };

describe("membership is checked on every request with a Keyward user token", () => {
  it("401 for a removed member's reads within the cache time", async () => {
    const viewer = await addMember(h.db, h.companyId, "viewer");
    const token = await loginUser(h.app, viewer.email, viewer.password, ip);
    expect((await get("/v1/keys", token)).statusCode).toBe(200);
    await removeMember(viewer.userId);
    await vi.waitFor(async () => expect((await get("/v1/keys", token)).statusCode).toBe(401), WAIT);
    expect((await get("/v1/audit-events", token)).statusCode).toBe(401);
  });

  it("a demoted admin has the viewer's rights: /v1/me says viewer, and writes are refused at once", async () => {
    const admin = await addMember(h.db, h.companyId, "admin");
    const token = await loginUser(h.app, admin.email, admin.password, ip);
    expect((await get("/v1/me", token)).json()).toMatchObject({ role: "admin" });
    await h.db.membership.updateMany({ where: { userId: admin.userId }, data: { role: "viewer" } });
    const write = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(token),
      payload: { name: "after demotion", scopes: ["keys:read"], environment: "test" },
      remoteAddress: ip,
    });
    expect(write.statusCode).toBe(403);
    await vi.waitFor(
      async () => expect((await get("/v1/me", token)).json()).toMatchObject({ role: "viewer", scopes: ["*:read"] }),
      WAIT,
    );
  });

  it("a removed member's open event stream ends within the cache time", async () => {
    const viewer = await addMember(h.db, h.companyId, "viewer");
    const token = await loginUser(h.app, viewer.email, viewer.password, ip);
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/events/stream`, { headers: bearer(token), signal: controller.signal });
    expect(res.status).toBe(200);
    let ended = false;
    const reader = res.body?.getReader();
    void (async () => {
      try {
        while (!(await reader?.read())?.done);
      } catch {
        // aborted at the end of the test
      }
      ended = true;
    })();
    try {
      // The stream must stay open over several cache times: a span of time is what is tested.
      await new Promise((r) => setTimeout(r, 3 * CACHE_MS));
      expect(ended).toBe(false);
      await removeMember(viewer.userId);
      await vi.waitFor(() => expect(ended).toBe(true), WAIT);
    } finally {
      controller.abort();
    }
  });
});
