// A user token names its server-side session: signing out (core revokeSessions, as the dashboard's
// "Sign out everywhere", a password change or reset does) ends it at once on this replica, and on
// another replica that had it cached, through the key-change log (and Redis, when REDIS_URL is set).
import { revokeSessions } from "@keyward/core";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addMember, FIRST_OWNER, loginUser, testIp } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";
import { useTwoReplicas } from "../test/replicas";

describe("user tokens and their sessions, one replica", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("login opens a session (ids only, the IP Fastify trusts); revoking it refuses the token at once", async () => {
    const member = await addMember(h.db, h.companyId, "admin");
    const ip = testIp();
    const token = await loginUser(h.app, member.email, member.password, ip);
    const sid = decodeJwt(token).sid as string;
    const row = await h.db.userSession.findUniqueOrThrow({ where: { id: sid } });
    expect(row).toMatchObject({ userId: member.userId, kind: "api", ip, revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(token.split(".")[2]);

    const me = () => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(token), remoteAddress: testIp() });
    expect((await me()).statusCode).toBe(200);
    await revokeSessions(h.db, member.userId);
    await h.app.keyward.keyChanges.poll();
    expect((await me()).statusCode).toBe(401);
  });

  it("a second login is another session: revoking one leaves the other", async () => {
    const member = await addMember(h.db, h.companyId, "viewer");
    const first = await loginUser(h.app, member.email, member.password, testIp());
    const second = await loginUser(h.app, member.email, member.password, testIp());
    await revokeSessions(h.db, member.userId, { only: decodeJwt(first).sid as string });
    await h.app.keyward.keyChanges.poll();
    const me = (token: string) =>
      h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(token), remoteAddress: testIp() });
    expect((await me(first)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(200);
  });
});

describe("user tokens and their sessions, two replicas", () => {
  const r = useTwoReplicas(() => ({ MEMBERSHIP_CACHE_MS: "60000" }));

  it("a token from replica A, cached by B for a minute, is refused by B once its session is revoked", async () => {
    const [a, b] = r.replicas;
    const login = await fetch(`${a.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(FIRST_OWNER),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const me = () => fetch(`${b.url}/v1/me`, { headers: bearer(token) });
    for (let i = 0; i < 2; i++) expect((await me()).status).toBe(200);

    const user = await r.db.user.findUniqueOrThrow({ where: { email: FIRST_OWNER.email } });
    await revokeSessions(r.db, user.id);
    // Far sooner than the 60 s the cache would otherwise keep the session.
    const status = await vi.waitFor(
      async () => {
        const { status } = await me();
        if (status === 200) throw new Error("replica B still accepts the token");
        return status;
      },
      { timeout: 5000, interval: 20 },
    );
    expect(status).toBe(401);
  });
});
