// Operator keys through the API: they verify keys of every company and manage companies, and reach
// nothing else; company credentials never reach the companies routes; each refusal is the
// contract's 401/403 and changes nothing.
import { createOperatorKey, OPERATOR_SCOPES, revokeOperatorKey } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginUser, testIp } from "../../test/credentials";
import { type Harness, injectAs, type Method, startHarness } from "../../test/harness";

let h: Harness;
let other: { companyId: string; adminKey: string };
const ip = testIp();
beforeAll(async () => {
  h = await startHarness();
  other = await h.otherCompany();
});
afterAll(() => h.close());

type OperatorScope = (typeof OPERATOR_SCOPES)[number];

async function operatorKey(scopes: OperatorScope[] = [...OPERATOR_SCOPES]): Promise<{ id: string; secret: string }> {
  const { key, secret } = await createOperatorKey(h.db, { name: `operator ${scopes.join(" ")}`, scopes }, null);
  return { id: key.id, secret };
}

const send = (credential: string, method: Method, url: string, payload?: object) =>
  injectAs(h.app, credential, ip, method, url, payload);

interface CompanyRoute {
  route: string;
  method: Method;
  url: () => string;
  payload?: object;
}

/** Every companies route, with a body it would accept from an operator key. */
const COMPANY_ROUTES: CompanyRoute[] = [
  { route: "GET /v1/companies", method: "GET", url: () => "/v1/companies" },
  { route: "GET /v1/companies/:id", method: "GET", url: () => `/v1/companies/${other.companyId}` },
  {
    route: "POST /v1/companies",
    method: "POST",
    url: () => "/v1/companies",
    payload: { name: "Hijack", ownerEmail: "owner@acme.test" },
  },
  {
    route: "PATCH /v1/companies/:id",
    method: "PATCH",
    url: () => `/v1/companies/${other.companyId}`,
    payload: { status: "suspended" },
  },
];

/** What a companies route could change. */
const written = async () => ({
  companies: await h.db.company.findMany({ orderBy: { id: "asc" } }),
  audit: await h.db.auditEvent.count(),
});

describe("POST /v1/keys/verify with an operator key", () => {
  it("200: keys of two companies, each answered with its company", async () => {
    const { secret } = await operatorKey(["keys:verify"]);
    const otherName = (await h.db.company.findUniqueOrThrow({ where: { id: other.companyId } })).name;
    for (const [key, company] of [
      [h.readOnlyKey, { id: h.companyId, name: "Acme" }],
      [other.adminKey, { id: other.companyId, name: otherName }],
    ] as const) {
      const res = await send(secret, "POST", "/v1/keys/verify", { key });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ valid: true, code: "VALID", companyId: company.id, company });
    }
  });

  it("an operator key, verified, is unknown like any stranger: NOT_FOUND with no company", async () => {
    const { secret } = await operatorKey(["keys:verify"]);
    const res = await send(secret, "POST", "/v1/keys/verify", { key: secret });
    expect(res.json()).toEqual({ valid: false, code: "NOT_FOUND" });
  });

  it("a company's key verifying gets its own company's id only (it only ever sees its own), not the company", async () => {
    const res = await send(h.adminKey, "POST", "/v1/keys/verify", { key: h.readOnlyKey });
    expect(res.json()).toMatchObject({ valid: true, companyId: h.companyId });
    expect(res.json().company).toBeUndefined();
  });
});

describe("an operator key reads no company's data", () => {
  it.each<[Method, string]>([
    ["GET", "/v1/keys"],
    ["GET", "/v1/audit-events"],
    ["GET", "/v1/usage?granularity=hour"],
    ["GET", "/v1/alert-rules"],
    ["GET", "/v1/me"],
    ["POST", "/v1/auth/token"],
  ])("403 FORBIDDEN for %s %s", async (method, url) => {
    const { secret } = await operatorKey();
    const res = await send(secret, method, url);
    expect(res.statusCode, res.body).toBe(403);
    // Its scopes are judged first (no operator scope grants a company's data), its kind after.
    expect(res.json().errors[0].code).toBe("FORBIDDEN");
  });

  it("403 when it tries to start a dashboard session", async () => {
    const { secret } = await operatorKey();
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { key: secret },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(403);
  });
});

describe("company credentials never reach the companies routes", () => {
  const credentials: Record<string, () => Promise<string>> = {
    "an admin key (*)": async () => h.adminKey,
    "a key token of the admin key": async () =>
      (await send(h.adminKey, "POST", "/v1/auth/token")).json().token as string,
    "the owner's user token (also the installation's operator)": () =>
      loginUser(h.app, "owner@acme.test", "correct horse battery", ip),
  };
  const cases = Object.keys(credentials).flatMap((name) => COMPANY_ROUTES.map((route) => ({ name, ...route })));
  it.each(cases)("403 for $route as $name; nothing written", async ({ name, method, url, payload }) => {
    const credential = await (credentials[name] as () => Promise<string>)();
    const before = await written();
    const res = await send(credential, method, url(), payload);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().errors[0]).toEqual({ code: "FORBIDDEN", message: "This route is for operator keys" });
    expect(await written()).toEqual(before);
  });
});

describe("an operator key acts only within its scopes", () => {
  it.each(COMPANY_ROUTES.filter((r) => r.method !== "GET"))(
    "403 for $route without companies:write; nothing written",
    async ({ method, url, payload }) => {
      const { secret } = await operatorKey(["companies:read", "keys:verify"]);
      const before = await written();
      const res = await send(secret, method, url(), payload);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().errors[0]).toMatchObject({
        code: "FORBIDDEN",
        details: { required: ["companies:write"], available: ["companies:read", "keys:verify"] },
      });
      expect(await written()).toEqual(before);
    },
  );

  it.each(COMPANY_ROUTES.filter((r) => r.method === "GET"))(
    "403 for $route without companies:read (companies:write does not grant reading)",
    async ({ method, url }) => {
      const { secret } = await operatorKey(["companies:write", "keys:verify"]);
      const res = await send(secret, method, url());
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().errors[0].details).toMatchObject({ required: ["companies:read"] });
    },
  );

  it("403 for POST /v1/keys/verify without keys:verify", async () => {
    const { secret } = await operatorKey(["companies:read"]);
    expect((await send(secret, "POST", "/v1/keys/verify", { key: h.adminKey })).statusCode).toBe(403);
  });
});

describe("a revoked operator key", () => {
  it("401 from its first use after revocation", async () => {
    const key = await operatorKey();
    await revokeOperatorKey(h.db, key.id);
    const res = await send(key.secret, "GET", "/v1/companies");
    expect(res.statusCode).toBe(401);
    expect(res.json().errors[0].code).toBe("UNAUTHORIZED");
  });

  it("401 at once on this replica when it was in use, once the revocation is announced", async () => {
    const key = await operatorKey();
    expect((await send(key.secret, "GET", "/v1/companies")).statusCode).toBe(200);
    const revoked = await revokeOperatorKey(h.db, key.id);
    await h.app.keyward.keyChanges.announce(revoked.id);
    expect((await send(key.secret, "GET", "/v1/companies")).statusCode).toBe(401);
    expect((await send(key.secret, "POST", "/v1/keys/verify", { key: h.adminKey })).statusCode).toBe(401);
  });
});
