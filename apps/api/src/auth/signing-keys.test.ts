import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { createDb, type Db } from "@keyward/db";
import { useTestDatabase } from "@keyward/db/vitest";
import { SignJWT } from "jose";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { SigningKeys } from "./signing-keys";

let db: Db;
let logText = "";
const log = pino(
  { level: "info" },
  new Writable({
    write(chunk, _enc, done) {
      logText += chunk.toString();
      done();
    },
  }),
);

const fixture = useTestDatabase();
beforeAll(() => {
  db = fixture.db;
});

const sign = (keys: SigningKeys) =>
  new SignJWT({ hello: "world" })
    .setProtectedHeader({ alg: "ES256", kid: keys.signer.kid })
    .setExpirationTime("1m")
    .sign(keys.signer.privateKey);

describe("signing keys", () => {
  const encryptionKey = randomBytes(32);

  it("replicas starting together create exactly one key and all sign with it; a restart reuses it", async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => SigningKeys.start({ db, encryptionKey, log })));
    expect(await db.signingKey.count()).toBe(1);
    const kids = new Set(replicas.map((r) => r.signer.kid));
    expect(kids.size).toBe(1);
    const restarted = await SigningKeys.start({ db, encryptionKey, log });
    expect(restarted.signer.kid).toBe(replicas[0]?.signer.kid);
    expect(await db.signingKey.count()).toBe(1);
  });

  it("a replica with another encryption key signs with a key of its own, which the others learn on first sight", async () => {
    const a = await SigningKeys.start({ db, encryptionKey, log, reloadCooldownMs: 0 });
    const b = await SigningKeys.start({ db, encryptionKey: randomBytes(32), log });
    expect(b.signer.kid).not.toBe(a.signer.kid);
    expect(logText).toContain("no active signing key can be decrypted");
    expect(await a.publicKey(b.signer.kid)).not.toBeNull(); // unknown kid: reloaded from the database
    const { keys } = await b.jwks();
    expect(keys.map((k) => k.kid).sort()).toEqual([a.signer.kid, b.signer.kid].sort());
    expect(await sign(b)).toMatch(/^ey/);
  });

  it("an unknown kid reloads at most once per cooldown, so made-up kids cannot cost a query each", async () => {
    const keys = await SigningKeys.start({ db, encryptionKey, log, reloadCooldownMs: 60_000 });
    const late = await SigningKeys.start({ db, encryptionKey: randomBytes(32), log });
    expect(await keys.publicKey(late.signer.kid)).toBeNull(); // still cooling down since start
    expect(await keys.publicKey(keys.signer.kid)).not.toBeNull();
  });

  it("a database that is down at start does not stop the API: 503 until the keys are loaded", async () => {
    const dead = createDb("postgresql://postgres@127.0.0.1:9/none");
    const keys = await SigningKeys.start({ db: dead, encryptionKey, log, reloadCooldownMs: 0 });
    try {
      expect(() => keys.signer).toThrow(expect.objectContaining({ code: "SERVICE_UNAVAILABLE" }));
      await expect(keys.publicKey("any")).rejects.toThrow();
      await expect(keys.jwks()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(logText).toContain("signing keys not loaded");
    } finally {
      keys.stop();
      await dead.$disconnect();
    }
  });

  it("retired keys are neither used to sign nor published", async () => {
    const keys = await SigningKeys.start({ db, encryptionKey, log });
    await db.signingKey.updateMany({ data: { retiredAt: new Date() } });
    const fresh = await SigningKeys.start({ db, encryptionKey, log, reloadCooldownMs: 0 });
    expect(fresh.signer.kid).not.toBe(keys.signer.kid);
    expect(await fresh.publicKey(keys.signer.kid)).toBeNull();
    expect((await fresh.jwks()).keys.map((k) => k.kid)).toEqual([fresh.signer.kid]);
  });
});
