// JWTs on the enforcement path (docs/api.md#credentials): the API's own user tokens, HS256 tokens signed with
// KEYWARD_JWT_SECRET, and an external identity provider's tokens (a JWKS served by a local HTTP
// server). Their 401/403 answers must be byte-for-byte the ones an API key gets.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, INVALID_TOKEN, loginUser, testIp, UNAUTHORIZED_BODY } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";

const SECRET = "an HS256 secret of at least thirty-two characters";
const ISSUER = "https://idp.example.test/";
const AUDIENCE = "keyward-test";

let h: Harness;
let idp: Server;
let idpKey: CryptoKey;
let jwksRequests = 0;
const ip = testIp();

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  idpKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "idp-1", alg: "RS256", use: "sig" };
  idp = createServer((req, res) => {
    jwksRequests++;
    if (req.url !== "/.well-known/jwks.json") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  const { port } = idp.address() as AddressInfo;
  h = await startHarness({
    KEYWARD_JWT_SECRET: SECRET,
    KEYWARD_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    KEYWARD_JWT_ISSUER: ISSUER,
    KEYWARD_JWT_AUDIENCE: AUDIENCE,
  });
});
afterAll(async () => {
  await h?.close();
  idp?.close();
});

function hs256(claims: JWTPayload, opts: { secret?: string; expiresIn?: string | number } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt();
  if (opts.expiresIn !== undefined) jwt.setExpirationTime(opts.expiresIn);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

function external(
  claims: JWTPayload,
  opts: { issuer?: string; audience?: string; key?: CryptoKey; kid?: string } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? "idp-1" })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setSubject("auth0|alice")
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(opts.key ?? idpKey);
}

const call = (method: "GET" | "POST", url: string, credential: string, payload?: object, from = ip) =>
  h.app.inject({ method, url, headers: bearer(credential), remoteAddress: from, ...(payload ? { payload } : {}) });
const newKey = { name: "made by a token", scopes: ["keys:read"], environment: "live" };

describe("HS256 tokens (KEYWARD_JWT_SECRET)", () => {
  it("200 with `company` and `scope`: the token holds exactly those scopes", async () => {
    const token = await hs256(
      { sub: "svc-ci", company: h.companyId, scope: "keys:read usage:read" },
      { expiresIn: "5m" },
    );
    const me = await call("GET", "/v1/me", token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ type: "user", userId: "svc-ci", scopes: ["keys:read", "usage:read"] });
    expect((await call("GET", "/v1/keys", token)).statusCode).toBe(200);
  });

  it("403 is the key's 403: same body and WWW-Authenticate", async () => {
    const token = await hs256({ sub: "svc-ci", company: h.companyId, scope: "*:read" }, { expiresIn: "5m" });
    const byToken = await call("POST", "/v1/keys", token, newKey);
    const byKey = await call("POST", "/v1/keys", h.readOnlyKey, newKey);
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json()).toEqual(byKey.json());
    expect(byToken.headers["www-authenticate"]).toBe(byKey.headers["www-authenticate"]);
    expect(byToken.headers["www-authenticate"]).toBe(
      'Bearer realm="keyward", error="insufficient_scope", scope="keys:write"',
    );
  });

  it("201 with `role: admin`; the audit log names a uuid subject as the user", async () => {
    const sub = randomUUID();
    const token = await hs256({ sub, company: h.companyId, role: "admin" }, { expiresIn: "5m" });
    const res = await call("POST", "/v1/keys", token, newKey);
    expect(res.statusCode).toBe(201);
    const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: res.json().id } });
    expect(event).toMatchObject({ actorType: "user", actorId: sub });
  });

  it.each<[string, () => Promise<string>]>([
    [
      "a wrong secret",
      () => hs256({ sub: "x", company: h.companyId, scope: "*" }, { secret: `${SECRET}!`, expiresIn: "5m" }),
    ],
    ["no expiry", () => hs256({ sub: "x", company: h.companyId, scope: "*" })],
    [
      "an expired token",
      () => hs256({ sub: "x", company: h.companyId, scope: "*" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
    ],
    ["an unknown company", () => hs256({ sub: "x", company: randomUUID(), scope: "*" }, { expiresIn: "5m" })],
    ["a company that is not an id", () => hs256({ sub: "x", company: "acme", scope: "*" }, { expiresIn: "5m" })],
    ["no company", () => hs256({ sub: "x", scope: "*" }, { expiresIn: "5m" })],
    [
      "HS256 posing as the API's own issuer",
      () =>
        hs256(
          { iss: "keyward", aud: "keyward-api", kind: "user", sub: randomUUID(), company: h.companyId, role: "owner" },
          { expiresIn: "5m" },
        ),
    ],
    [
      "alg none",
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        return `${enc({ alg: "none" })}.${enc({ sub: "x", company: h.companyId, scope: "*", exp: 9999999999 })}.x`;
      },
    ],
  ])("401 for %s, same body as a bad key", async (_label, make) => {
    const res = await call("GET", "/v1/me", await make(), undefined, testIp());
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(INVALID_TOKEN);
    expect(res.json()).toEqual(UNAUTHORIZED_BODY);
  });
});

describe("external identity provider tokens (KEYWARD_JWKS_URL)", () => {
  it("200 with the right issuer and audience; scopes from `scope`", async () => {
    const token = await external({ company: h.companyId, scope: "keys:read" });
    const me = await call("GET", "/v1/me", token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ type: "user", userId: "auth0|alice", scopes: ["keys:read"] });
    expect((await call("GET", "/v1/keys", token)).statusCode).toBe(200);
    expect((await call("POST", "/v1/keys", token, newKey)).statusCode).toBe(403);
  });

  it("the key set is fetched once and cached, not per request", async () => {
    const token = await external({ company: h.companyId, scope: "keys:read" });
    const before = jwksRequests;
    for (let i = 0; i < 5; i++) expect((await call("GET", "/v1/me", token)).statusCode).toBe(200);
    expect(jwksRequests).toBe(before);
  });

  it.each<[string, () => Promise<string>]>([
    ["another audience", () => external({ company: h.companyId, scope: "*" }, { audience: "someone-else" })],
    ["another issuer", () => external({ company: h.companyId, scope: "*" }, { issuer: "https://evil.example/" })],
    [
      "a key the provider does not publish",
      async () => external({ company: h.companyId, scope: "*" }, { key: (await generateKeyPair("RS256")).privateKey }),
    ],
    ["an unknown company", () => external({ company: randomUUID(), scope: "*" })],
  ])("401 for %s", async (_label, make) => {
    const res = await call("GET", "/v1/me", await make(), undefined, testIp());
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(UNAUTHORIZED_BODY);
  });
});

describe("the API's own user tokens", () => {
  it("a viewer reads but cannot write (403 with the key's body); an owner writes, named as the user", async () => {
    const viewer = await addMember(h.db, h.companyId, "viewer");
    const viewerToken = await loginUser(h.app, viewer.email, viewer.password, ip);
    expect((await call("GET", "/v1/keys", viewerToken)).statusCode).toBe(200);
    const refused = await call("POST", "/v1/keys", viewerToken, newKey);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual((await call("POST", "/v1/keys", h.readOnlyKey, newKey)).json());

    const owner = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
    const created = await call("POST", "/v1/keys", owner, newKey);
    expect(created.statusCode).toBe(201);
    const event = await h.db.auditEvent.findFirstOrThrow({
      where: { action: "key.created", targetId: created.json().id },
    });
    expect(event.actorType).toBe("user");
  });

  it("a role change applies to writes at once, though the token is an hour long; removal ends writes", async () => {
    const admin = await addMember(h.db, h.companyId, "admin");
    const token = await loginUser(h.app, admin.email, admin.password, ip);
    expect((await call("POST", "/v1/keys", token, newKey)).statusCode).toBe(201);
    await h.db.membership.updateMany({ where: { userId: admin.userId }, data: { role: "viewer" } });
    const demoted = await call("POST", "/v1/keys", token, newKey);
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().errors[0].details).toEqual({ required: ["keys:write"], available: ["*:read"] });
    await h.db.membership.deleteMany({ where: { userId: admin.userId } });
    expect((await call("POST", "/v1/keys", token, newKey, testIp())).statusCode).toBe(401);
  });

  it("cross-tenant: another company's user sees none of this company's keys (404)", async () => {
    const other = await h.otherCompany();
    const member = await addMember(h.db, other.companyId, "owner");
    const token = await loginUser(h.app, member.email, member.password, ip);
    const mine = await h.keyWithScopes(["keys:read"]);
    expect((await call("GET", `/v1/keys/${mine.id}`, token)).statusCode).toBe(404);
    const list = (await call("GET", "/v1/keys", token)).json();
    expect(list.data.map((k: { name: string }) => k.name)).toEqual(["other admin"]);
  });
});

describe("where credentials are read", () => {
  it("`?token=` is ignored outside the event stream: 401 as if no credential was sent", async () => {
    const token = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
    for (const credential of [token, h.adminKey]) {
      const res = await h.app.inject({ method: "GET", url: `/v1/keys?token=${credential}`, remoteAddress: ip });
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="keyward"');
    }
  });

  it("X-API-Key and Bearer both take a JWT", async () => {
    const token = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
    const res = await h.app.inject({
      method: "GET",
      url: "/v1/me",
      headers: { "x-api-key": token },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(200);
  });

  it("no JWT, key or secret reaches the logs", async () => {
    const tokens = [
      await loginUser(h.app, "owner@acme.test", "correct horse battery", ip),
      await hs256({ sub: "svc", company: h.companyId, scope: "*" }, { expiresIn: "5m" }),
      await external({ company: h.companyId, scope: "*" }),
    ];
    for (const t of tokens) await call("GET", "/v1/me", t);
    for (const secret of [...tokens, SECRET, h.adminKey, "correct horse battery"])
      expect(h.logs()).not.toContain(secret);
  });
});
