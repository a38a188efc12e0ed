import { describe, expect, it } from "vitest";
import { deriveKeyStatus } from "../src/status";

const NOW = new Date("2030-01-01T00:00:00Z");
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const DAY = 24 * 60 * 60 * 1000;

describe("deriveKeyStatus", () => {
  it.each([
    ["no dates", {}, "active"],
    ["expiry in 30 days", { expiresAt: at(30 * DAY) }, "active"],
    ["expiry in 8 days", { expiresAt: at(8 * DAY) }, "active"],
    ["expiry in exactly 7 days", { expiresAt: at(7 * DAY) }, "expiring"],
    ["expiry in 1 hour", { expiresAt: at(3_600_000) }, "expiring"],
    ["expiry now", { expiresAt: NOW }, "expired"],
    ["expired yesterday", { expiresAt: at(-DAY) }, "expired"],
    ["in rotation grace", { graceEndsAt: at(30 * DAY) }, "expiring"],
    ["grace over", { graceEndsAt: at(-1) }, "expired"],
    ["revoked", { revokedAt: at(-DAY) }, "revoked"],
    ["revoked beats expired", { revokedAt: at(-DAY), expiresAt: at(-2 * DAY) }, "revoked"],
  ] as const)("%s → %s", (_, dates, status) => {
    const key = { revokedAt: null, expiresAt: null, graceEndsAt: null, ...dates };
    expect(deriveKeyStatus(key, NOW)).toBe(status);
  });

  it("defaults to the current time", () => {
    expect(deriveKeyStatus({ revokedAt: null, expiresAt: new Date(Date.now() - 1), graceEndsAt: null })).toBe(
      "expired",
    );
  });
});
