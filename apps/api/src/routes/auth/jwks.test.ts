import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginUser, testIp } from "../../test/credentials";
import { type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("GET /.well-known/jwks.json", () => {
  it("200: the public signing keys, cacheable, that verify the API's tokens; no private member", async () => {
    const res = await h.app.inject({ method: "GET", url: "/.well-known/jwks.json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    const { keys } = res.json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({
      kty: "EC",
      crv: "P-256",
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: "ES256",
      use: "sig",
    });

    const token = await loginUser(h.app, "owner@acme.test", "correct horse battery", testIp());
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      issuer: "keyward",
      audience: "keyward-api",
    });
    expect(payload.company).toBe(h.companyId);
  });

  it("the private key is stored encrypted: the row holds no JWK private member in clear", async () => {
    const [row] = await h.db.signingKey.findMany();
    expect(row?.privateJwkEnc).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row?.privateJwkEnc).not.toContain('"d"');
    expect(JSON.stringify(row?.publicJwk)).not.toContain('"d"');
  });
});
