// The audit log's sentences: each action reads as one sentence naming who did what, from the event
// and the names the caller resolved; an unknown action or odd metadata still reads, never throws.
import { describe, expect, it } from "vitest";
import { auditActorLabel, describeAuditEvent, type PublicAuditEvent } from "../src";

const KEY_ID = "0b6a4c1e-5d2f-4c9a-8e7b-1a2b3c4d5e6f";
const USER_ID = "7f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
const names = new Map([
  [KEY_ID, "billing-service"],
  [USER_ID, "olivia@acme.test"],
]);

const event = (over: Partial<PublicAuditEvent>): PublicAuditEvent => ({
  id: "e1",
  seq: 1,
  createdAt: "2026-11-27T10:00:00.000Z",
  actorType: "user",
  actorId: USER_ID,
  action: "key.created",
  targetType: null,
  targetId: null,
  keyId: null,
  fingerprint: null,
  ip: null,
  userAgent: null,
  reason: null,
  metadata: null,
  prevHash: null,
  hash: "h",
  ...over,
});

describe("describeAuditEvent", () => {
  it.each<[string, Partial<PublicAuditEvent>, string]>([
    [
      "refusals, counted, with the cause and the address",
      {
        action: "request.refused",
        actorType: "key",
        actorId: KEY_ID,
        keyId: KEY_ID,
        reason: "RATE_LIMITED",
        ip: "10.0.0.7",
        metadata: { count: 12 },
      },
      "billing-service refused 12× — rate limited, from 10.0.0.7",
    ],
    [
      "a single refusal of an unnamed key",
      {
        action: "request.refused",
        actorType: "key",
        keyId: "k",
        fingerprint: "fp_ab12",
        reason: "COMPANY_SUSPENDED",
        metadata: { count: 1 },
      },
      "Key fp_ab12 refused once — the company is suspended",
    ],
    [
      "a key created",
      {
        action: "key.created",
        keyId: KEY_ID,
        metadata: { name: "billing-service", environment: "live", scopes: ["keys:read"] },
      },
      "olivia@acme.test created the live key “billing-service” with keys:read",
    ],
    [
      "a rotation with a grace period",
      { action: "key.rotated", keyId: KEY_ID, metadata: { gracePeriodSeconds: 3600 } },
      "olivia@acme.test rotated key “billing-service”; the old secret works 1 h more",
    ],
    [
      "a rotation without one",
      { action: "key.rotated", keyId: KEY_ID, metadata: { gracePeriodSeconds: 0 } },
      "olivia@acme.test rotated key “billing-service”, ending the old secret at once",
    ],
    [
      "a revocation with its reason",
      { action: "key.revoked", keyId: KEY_ID, reason: "leaked in a log" },
      "olivia@acme.test revoked key “billing-service”: leaked in a log",
    ],
    [
      "an edit",
      { action: "key.updated", keyId: KEY_ID, metadata: { changed: ["name", "scopes"] } },
      "olivia@acme.test changed name, scopes of key “billing-service”",
    ],
    [
      "a role change",
      { action: "member.role_changed", metadata: { email: "nina@acme.test", from: "viewer", to: "admin" } },
      "olivia@acme.test made nina@acme.test an admin (was a viewer)",
    ],
    [
      "an operator's suspension",
      { action: "company.suspended", actorType: "operator", actorId: USER_ID },
      "Operator olivia@acme.test suspended the company: its keys and members are refused",
    ],
    [
      "an alert, by its summary",
      {
        action: "alert.fired",
        actorType: "system",
        actorId: null,
        metadata: { alert: { summary: "spike: 500 requests in 60 s" } },
      },
      "Alert fired: spike: 500 requests in 60 s",
    ],
    ["an action it does not know", { action: "something.new" }, "olivia@acme.test did something.new"],
    [
      "metadata of the wrong shape",
      { action: "key.updated", keyId: null, metadata: { changed: "name" } },
      "olivia@acme.test changed the settings of a key",
    ],
  ])("%s", (_case, over, sentence) => {
    expect(describeAuditEvent(event(over), names)).toBe(sentence);
  });
});

describe("auditActorLabel", () => {
  it("names members, keys, operators and the system", () => {
    expect(auditActorLabel(event({}), names)).toBe("olivia@acme.test");
    expect(auditActorLabel(event({ actorType: "key", actorId: KEY_ID }), names)).toBe("Key billing-service");
    expect(auditActorLabel(event({ actorType: "operator_key", actorId: "x", fingerprint: "fp_1" }), names)).toBe(
      "Operator key fp_1",
    );
    expect(auditActorLabel(event({ actorType: "system", actorId: null }), names)).toBe("System");
  });
});
