import { describe, expect, it } from "vitest";
import {
  BUILT_IN_RESOURCES,
  isValidScope,
  missingScopes,
  normalizeScopes,
  SCOPE_PRESETS,
  scopeGrants,
} from "../src/scopes";

describe("isValidScope", () => {
  it.each([
    ["keys:read", true],
    ["keys:write", true],
    ["keys:verify", true],
    ["keys:*", true],
    ["*:read", true],
    ["*:write", true],
    ["*", true],
    ["vehicles:read", true],
    ["fleet_v2-beta:write", true],
    [`a${"b".repeat(39)}:read`, true],
    [`a${"b".repeat(40)}:read`, false],
    ["*:*", false],
    ["*:verify", false],
    ["vehicles:verify", false],
    ["keys:delete", false],
    ["keys", false],
    ["keys:", false],
    [":read", false],
    ["Keys:read", false],
    ["1keys:read", false],
    ["keys:read:write", false],
    [" keys:read", false],
    ["keys:read ", false],
    ["", false],
  ])("%j → %s", (scope, expected) => {
    expect(isValidScope(scope)).toBe(expected);
  });

  it("every built-in resource and preset is valid", () => {
    for (const resource of BUILT_IN_RESOURCES) expect(isValidScope(`${resource}:read`)).toBe(true);
    for (const scopes of Object.values(SCOPE_PRESETS)) expect(scopes.every(isValidScope)).toBe(true);
  });
});

describe("scopeGrants", () => {
  it.each([
    // [available, required, granted]
    [["keys:read"], "keys:read", true],
    [["keys:write"], "keys:read", false],
    [["keys:read"], "keys:write", false],
    [["keys:*"], "keys:read", true],
    [["keys:*"], "keys:write", true],
    [["keys:*"], "keys:verify", true],
    [["keys:*"], "audit:read", false],
    [["*:read"], "audit:read", true],
    [["*:read"], "vehicles:read", true],
    [["*:read"], "audit:write", false],
    [["*:write"], "audit:read", false],
    [["*:read"], "keys:verify", false],
    [["*:write"], "keys:verify", false],
    [["*:read", "*:write"], "keys:verify", false],
    [["keys:verify"], "keys:verify", true],
    [["keys:verify"], "keys:read", false],
    [["*"], "keys:verify", true],
    [["*"], "vehicles:write", true],
    [[], "keys:read", false],
    [["audit:read", "keys:read"], "keys:read", true],
    [["vehicles:read"], "vehicle:read", false],
    // wildcard requirements: is the available set at least as wide?
    [["*"], "*", true],
    [["*:read"], "*", false],
    [["*"], "*:read", true],
    [["keys:*"], "*:read", false],
    [["*:read"], "keys:*", false],
    [["keys:read", "keys:write", "keys:verify"], "keys:*", false],
    // garbage on either side never grants
    [["keys:read"], "keys:delete", false],
    [["keys:delete"], "keys:delete", false],
    [["*:*"], "keys:read", false],
    [["*:verify"], "keys:verify", false],
  ] as const)("%j grants %j: %s", (available, required, expected) => {
    expect(scopeGrants(available, required)).toBe(expected);
  });
});

describe("missingScopes and normalizeScopes", () => {
  it.each([
    [["*:read"], ["keys:read", "audit:read"], []],
    [["*:read"], ["keys:read", "keys:write", "keys:verify"], ["keys:write", "keys:verify"]],
    [["keys:write"], ["keys:read", "keys:read"], ["keys:read"]],
    [[], [], []],
  ])("missingScopes(%j, %j) = %j", (available, required, missing) => {
    expect(missingScopes(available, required)).toEqual(missing);
  });

  it.each([
    [
      ["keys:write", "audit:read", "keys:write"],
      ["audit:read", "keys:write"],
    ],
    [
      ["*:read", "*", "a:read"],
      ["*", "*:read", "a:read"],
    ],
    [[], []],
  ])("normalizeScopes(%j) = %j", (scopes, normalized) => {
    expect(normalizeScopes(scopes)).toEqual(normalized);
  });
});
