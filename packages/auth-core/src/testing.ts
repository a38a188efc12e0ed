// Test support for auth-core's users (its own tests, enforcement's, the API's): a key record as the
// store answers it, so each test spells out only what it is about.
import type { CompanyKeyRecord, KeyRecord } from "./verify";

/**
 * A live key of company "co_1", unrestricted (no scope, IP list or rate limit) and never expiring,
 * revoked or suspended, with `fields` over those defaults. Its hash matches no secret: give the
 * generated key's `hash` where the test verifies one.
 */
export function testKeyRecord(fields?: Partial<CompanyKeyRecord>): CompanyKeyRecord;
export function testKeyRecord(fields: Partial<KeyRecord>): KeyRecord;
export function testKeyRecord(fields: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: "key_1",
    companyId: "co_1",
    companySuspended: false,
    name: "k",
    hash: "0".repeat(64),
    environment: "live",
    scopes: [],
    expiresAt: null,
    revokedAt: null,
    graceEndsAt: null,
    ipAllowlist: [],
    rateLimit: null,
    metadata: null,
    ...fields,
  };
}
