import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { decodeEncryptionKey, ENCRYPTION_KEY_FILE, resolveEncryptionKey, seal, unseal } from "./encryption";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function capture() {
  let text = "";
  const log = pino(
    { level: "info" },
    new Writable({
      write(chunk, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
  );
  return { log, text: () => text };
}

describe("seal / unseal (AES-256-GCM)", () => {
  const key = randomBytes(32);

  it("round-trips, with a fresh IV each time", () => {
    const a = seal(key, "secret jwk", "purpose");
    expect(a).not.toBe(seal(key, "secret jwk", "purpose"));
    expect(a).not.toContain("secret jwk");
    expect(unseal(key, a, "purpose")).toBe("secret jwk");
  });

  it("refuses another key, another purpose, and any altered byte", () => {
    const sealed = seal(key, "secret jwk", "purpose");
    expect(unseal(randomBytes(32), sealed, "purpose")).toBeNull();
    expect(unseal(key, sealed, "other purpose")).toBeNull();
    const parts = sealed.split(".");
    const body = Buffer.from(parts[2] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    expect(unseal(key, [parts[0], parts[1], body.toString("base64url"), parts[3]].join("."), "purpose")).toBeNull();
    expect(unseal(key, [parts[0], parts[1], parts[2], (parts[3] ?? "").slice(0, 8)].join("."), "purpose")).toBeNull();
    expect(unseal(key, "garbage", "purpose")).toBeNull();
  });
});

describe("KEYWARD_ENCRYPTION_KEY", () => {
  it("accepts 32 bytes as hex or base64, nothing else", () => {
    const bytes = randomBytes(32);
    expect(decodeEncryptionKey(bytes.toString("hex"))).toEqual(bytes);
    expect(decodeEncryptionKey(bytes.toString("base64"))).toEqual(bytes);
    expect(decodeEncryptionKey(bytes.toString("base64url"))).toEqual(bytes);
    expect(decodeEncryptionKey(randomBytes(16).toString("hex"))).toBeNull();
    expect(decodeEncryptionKey("not a key at all!")).toBeNull();
    expect(() => loadEnv({ KEYWARD_ENCRYPTION_KEY: "short" })).toThrow(/KEYWARD_ENCRYPTION_KEY/);
  });

  it("is used as given when set", () => {
    const bytes = randomBytes(32);
    const env = loadEnv({ NODE_ENV: "production", KEYWARD_ENCRYPTION_KEY: bytes.toString("base64") });
    expect(resolveEncryptionKey(env, "/nonexistent", capture().log)).toEqual(bytes);
  });

  it("in development and test: a fixed key, with a warning", () => {
    const logs = capture();
    const a = resolveEncryptionKey(loadEnv({ NODE_ENV: "test" }), "/nonexistent", logs.log);
    const b = resolveEncryptionKey(loadEnv({ NODE_ENV: "development" }), "/nonexistent", capture().log);
    expect(a).toEqual(b);
    expect(logs.text()).toContain("KEYWARD_ENCRYPTION_KEY is not set");
  });

  it("in production when unset: generated once into the data directory (0600), the same on every start", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-enc-"));
    dirs.push(dir);
    const env = loadEnv({ NODE_ENV: "production" });
    const logs = capture();
    const first = resolveEncryptionKey(env, join(dir, "data"), logs.log);
    const second = resolveEncryptionKey(env, join(dir, "data"), capture().log);
    expect(second).toEqual(first);
    const file = join(dir, "data", ENCRYPTION_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(decodeEncryptionKey(readFileSync(file, "utf8"))).toEqual(first);
    expect(logs.text()).toContain(file);
    expect(logs.text()).not.toContain(first.toString("base64"));
  });
});

describe("env for external tokens", () => {
  it("KEYWARD_JWKS_URL requires issuer and audience, and the issuer cannot be the API's own", () => {
    expect(() => loadEnv({ KEYWARD_JWKS_URL: "https://idp.example/jwks.json" })).toThrow(/KEYWARD_JWT_ISSUER/);
    expect(() =>
      loadEnv({
        KEYWARD_JWKS_URL: "https://idp.example/jwks.json",
        KEYWARD_JWT_ISSUER: "keyward",
        KEYWARD_JWT_AUDIENCE: "a",
      }),
    ).toThrow(/own issuer/);
    expect(() => loadEnv({ KEYWARD_JWT_SECRET: "too short" })).toThrow(/KEYWARD_JWT_SECRET/);
  });
});
