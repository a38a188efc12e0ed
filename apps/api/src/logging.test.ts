import { hashKey } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskUrl } from "./logging";
import { bearer, type Harness, startHarness } from "./test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("access log", () => {
  it("names keys by id and fingerprint and never contains a secret", async () => {
    const typo = `${h.adminKey.slice(0, -1)}${h.adminKey.endsWith("A") ? "B" : "A"}`;
    await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(h.adminKey) });
    await h.app.inject({ method: "GET", url: "/v1/keys", headers: { "x-api-key": h.readOnlyKey } });
    await h.app.inject({ method: "POST", url: "/v1/keys", headers: bearer(h.readOnlyKey), payload: {} });
    await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(typo) });
    await h.app.inject({ method: "GET", url: `/v1/keys?token=${h.adminKey}` });
    const created = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(h.adminKey),
      payload: { name: "logged?", scopes: ["keys:read"], environment: "live" },
    });
    const logs = h.logs();
    const lines = logs
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.msg === "request")).toHaveLength(6);
    for (const secret of [h.adminKey, h.readOnlyKey, typo, created.json().key]) expect(logs).not.toContain(secret);
    expect(logs).toContain(hashKey(h.adminKey).slice(0, 8));
    expect(lines.find((l) => l.status === 403)).toMatchObject({
      fingerprint: hashKey(h.readOnlyKey).slice(0, 8),
      code: "INSUFFICIENT_SCOPE",
    });
  });

  it("masks credentials in query strings", () => {
    expect(maskUrl("/v1/events/stream?token=abc.def.ghi&x=1")).toBe("/v1/events/stream?token=[redacted]&x=1");
  });

  // Found by the abuse fuzzer (src/abuse): the query parser decodes parameter names, the mask did not.
  it("masks a credential whose parameter name is percent-encoded, as the query parser reads it", () => {
    expect(maskUrl("/v1/events/stream?%74oken=abc.def.ghi&x=1")).toBe("/v1/events/stream?%74oken=[redacted]&x=1");
    expect(maskUrl("/v1/keys?x=1&TO%4Ben=kw_live_a&api%5Fkey=b&KEY=c")).toBe(
      "/v1/keys?x=1&TO%4Ben=[redacted]&api%5Fkey=[redacted]&KEY=[redacted]",
    );
    expect(maskUrl("/v1/keys?%E0%A4%A=1&q=%")).toBe("/v1/keys?%E0%A4%A=1&q=%");
  });

  it("never logs a key sent as ?%74oken= (the event stream accepts it as ?token=)", async () => {
    await h.app.inject({ method: "GET", url: `/v1/keys?%74oken=${h.adminKey}` });
    expect(h.logs()).toContain("/v1/keys?%74oken=[redacted]");
    expect(h.logs()).not.toContain(h.adminKey);
  });
});
