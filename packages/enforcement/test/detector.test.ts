// The detector's promise to the enforcement path: a company without enabled rules costs one Map
// lookup, and neither that request nor the next flush reaches the database.
import type { CompanyKeyRecord } from "@keyward/auth-core";
import type { Db } from "@keyward/db";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { AlertDetector } from "../src/alerts/detector";
import { AlertRuleCache } from "../src/alerts/rule-cache";

const log = pino({ level: "silent" });

/** A database that records any use (the detector catches and logs errors, so throwing would not show). */
const used: string[] = [];
const untouchable = new Proxy({} as Db, {
  get(_target, property) {
    used.push(String(property));
    throw new Error(`the database was used: ${String(property)}`);
  },
});

const key = (companyId: string): CompanyKeyRecord => ({
  id: "0190b7c4-0000-7000-8000-000000000001",
  companyId,
  companySuspended: false,
  name: "svc",
  hash: "0".repeat(64),
  environment: "live",
  scopes: [],
  expiresAt: null,
  revokedAt: null,
  graceEndsAt: null,
  ipAllowlist: [],
  rateLimit: null,
  metadata: null,
});

describe("AlertDetector", () => {
  it("a company without enabled rules: no state, no query, not even at the flush", async () => {
    const rulesDb = {
      alertRule: {
        findMany: async () => [
          {
            id: "r1",
            companyId: "another-company",
            kind: "request_spike",
            threshold: 1,
            windowSeconds: 60,
            days: null,
            keyId: null,
            environment: null,
            cooldownSeconds: 0,
          },
        ],
      },
    } as unknown as Db;
    const rules = new AlertRuleCache({ db: rulesDb, redis: null, log });
    await rules.reload();
    const fired: unknown[] = [];
    const detector = new AlertDetector({ db: untouchable, rules, log, fire: async (i) => fired.push(i) });
    const quiet = key("quiet-company");
    for (let i = 0; i < 10_000; i++) {
      detector.observe(quiet, i % 2 ? "VALID" : "REVOKED", `10.0.${i % 250}.1`, Date.now());
    }
    await detector.flush();
    expect(used).toEqual([]);
    expect(fired).toEqual([]);
    expect(rules.forCompany("quiet-company")).toBeUndefined();
  });
});
