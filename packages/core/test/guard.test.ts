// The guard's dashboard settings: the secret is sealed (never stored or audited in plaintext, bound
// to its company and key), the TTL is validated, tokens carry the TTL, every change is audited.
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { useCompanyDatabase } from "@keyward/db/vitest";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  changeGuardTokenTtl,
  getGuardSettings,
  issueGuardToken,
  readGuardSecret,
  regenerateGuardSecret,
  renewGuardToken,
  resolveGuardEncryptionKey,
  sealGuardSecret,
  unsealGuardSecret,
  verifyAuditChain,
  verifyGuardToken,
} from "../src";

const KEY = randomBytes(32);
const actor = { type: "system" as const };
const t = useCompanyDatabase("Acme");

describe("sealing and the encryption key", () => {
  it("a sealed secret opens only with its key and for its company", () => {
    const sealed = sealGuardSecret(KEY, "company-a", "s3cret-value");
    expect(sealed).not.toContain("s3cret-value");
    expect(unsealGuardSecret(KEY, "company-a", sealed)).toBe("s3cret-value");
    expect(unsealGuardSecret(KEY, "company-b", sealed)).toBeNull();
    expect(unsealGuardSecret(randomBytes(32), "company-a", sealed)).toBeNull();
    expect(unsealGuardSecret(KEY, "company-a", "garbage")).toBeNull();
  });

  it("KEYWARD_ENCRYPTION_KEY, else the development key, else the production key file, else a clear error", () => {
    const hex = KEY.toString("hex");
    expect(resolveGuardEncryptionKey({ encryptionKey: hex, nodeEnv: "production", dataDir: "/nope" })).toEqual(KEY);
    expect(() => resolveGuardEncryptionKey({ encryptionKey: "short", nodeEnv: "test", dataDir: "/nope" })).toThrow(
      /32 bytes/,
    );
    const dev = resolveGuardEncryptionKey({ encryptionKey: undefined, nodeEnv: "development", dataDir: "/nope" });
    expect(dev).toHaveLength(32);
    const dir = mkdtempSync(join(tmpdir(), "kw-key-"));
    writeFileSync(join(dir, "encryption-key"), `${KEY.toString("base64")}\n`);
    expect(resolveGuardEncryptionKey({ encryptionKey: undefined, nodeEnv: "production", dataDir: dir })).toEqual(KEY);
    expect(() =>
      resolveGuardEncryptionKey({ encryptionKey: undefined, nodeEnv: "production", dataDir: "/nope" }),
    ).toThrow(/set KEYWARD_ENCRYPTION_KEY/);
  });

  it("a guard token is a standard HS256 JWT over the secret with exp = iat + TTL", async () => {
    const { token, expiresAt } = await issueGuardToken("the-secret-0123456789", 5400, { now: 1_800_000_000_000 });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({ iss: "keyward-guard", iat: 1_800_000_000, exp: 1_800_005_400 });
    expect(expiresAt.getTime()).toBe(1_800_005_400_000);
    expect(signature).toBe(
      createHmac("sha256", "the-secret-0123456789").update(`${header}.${payload}`).digest("base64url"),
    );
  });

  it("a token passes only with its secret, its issuer and before its expiry", async () => {
    const secret = "the-secret-0123456789";
    const { token } = await issueGuardToken(secret, 3600);
    expect(await verifyGuardToken(token, secret)).toEqual({ company: null });
    expect(await verifyGuardToken(token, `${secret}x`)).toBeNull();
    expect(
      await verifyGuardToken((await issueGuardToken(secret, 3600, { now: Date.now() - 7200_000 })).token, secret),
    ).toBeNull();
    const otherIssuer = await new SignJWT()
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("someone-else")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(secret));
    expect(await verifyGuardToken(otherIssuer, secret)).toBeNull();
    expect(await verifyGuardToken("not.a.jwt", secret)).toBeNull();
  });

  it("a token issued for a company names it; a company claim that is not an id fails the token", async () => {
    const secret = "the-secret-0123456789";
    const companyId = "0196a7f0-0000-7000-8000-000000000001";
    const { token } = await issueGuardToken(secret, 3600, { companyId });
    expect(await verifyGuardToken(token, secret)).toEqual({ company: companyId });
    const injected = await new SignJWT({ company: "acme\r\nx-evil: 1" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("keyward-guard")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(secret));
    expect(await verifyGuardToken(injected, secret)).toBeNull();
  });

  it("a token of the hand-built signer before jose (same header, claims and HMAC) still passes", async () => {
    // Issued by the earlier issueGuardToken for this secret, expiring in 2100.
    const legacy =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrZXl3YXJkLWd1YXJkIiwic3ViIjoiZ3VhcmQiLCJqdGkiOiIwUHd3a1ludUpSQnFEaUM5IiwiaWF0IjoxODAwMDAwMDAwLCJleHAiOjQxMDI0NDQ4MDB9.ey--h560UNPPEhjF2KesB3VT6O91AMD2h-9uvQFGdnQ";
    expect(await verifyGuardToken(legacy, "legacy-guard-secret-0123456789")).toEqual({ company: null });
    expect(await verifyGuardToken(legacy, "another-secret-0123456789")).toBeNull();
  });
});

describe("settings in the database", () => {
  it("no secret at first; generate, regenerate, renew and TTL changes are audited without the secret", async () => {
    expect(await getGuardSettings(t.db, t.companyId)).toEqual({ secretSet: false, tokenTtlSeconds: 86_400 });
    await expect(renewGuardToken(t.db, t.companyId, KEY, actor)).rejects.toThrow(/Set a guard secret first/);

    const first = await regenerateGuardSecret(t.db, t.companyId, KEY, actor);
    const second = await regenerateGuardSecret(t.db, t.companyId, KEY, actor);
    expect(second).not.toBe(first);
    expect((await readGuardSecret(t.db, t.companyId, KEY)).secret).toBe(second);
    const row = await t.db.company.findUniqueOrThrow({ where: { id: t.companyId } });
    expect(row.guardSecretEnc).not.toContain(second);
    expect(await readGuardSecret(t.db, t.companyId, randomBytes(32))).toMatchObject({ secret: null, unreadable: true });

    await expect(changeGuardTokenTtl(t.db, t.companyId, 10, actor)).rejects.toThrow();
    expect(await changeGuardTokenTtl(t.db, t.companyId, 5400, actor)).toBe(5400);
    const renewed = await renewGuardToken(t.db, t.companyId, KEY, actor);
    expect(await verifyGuardToken(renewed.token, second)).toEqual({ company: t.companyId });
    expect(renewed.expiresAt.getTime() - Date.now()).toBeGreaterThan(5300_000);
    await expect(renewGuardToken(t.db, t.companyId, randomBytes(32), actor)).rejects.toThrow(/another encryption key/);

    const events = await t.db.auditEvent.findMany({ where: { companyId: t.companyId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual([
      "guard.secret_set",
      "guard.secret_regenerated",
      "guard.token_ttl_changed",
      "guard.token_renewed",
    ]);
    const audited = JSON.stringify(events);
    for (const secret of [first, second, renewed.token]) expect(audited).not.toContain(secret);
    expect(await verifyAuditChain(t.db, t.companyId)).toBeNull();
  });
});
