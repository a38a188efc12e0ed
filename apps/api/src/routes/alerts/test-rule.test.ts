// `POST /v1/alert-rules/:id/test` makes Keyward call the company's webhooks: a few per minute per
// company, then 429 with the contract's headers and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function rule(adminKey: string): Promise<string> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/alert-rules",
    headers: bearer(adminKey),
    payload: {
      name: "test me",
      kind: "new_ip",
      channels: [{ type: "webhook", url: "https://hooks.example.com/keyward", secret: "whsec_0123456789abcdef" }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const test = (ruleId: string, key: string) =>
  h.app.inject({ method: "POST", url: `/v1/alert-rules/${ruleId}/test`, headers: bearer(key) });

describe("POST /v1/alert-rules/:id/test", () => {
  it("429 RATE_LIMITED after 5 test alerts a minute per company, with Retry-After and RateLimit-*; nothing stored", async () => {
    const ruleId = await rule(h.adminKey);
    for (let i = 0; i < 5; i++) expect((await test(ruleId, h.adminKey)).statusCode).toBe(202);
    const refused = await test(ruleId, h.adminKey);
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers["ratelimit-limit"]).toBe("5");
    expect(refused.headers["ratelimit-remaining"]).toBe("0");
    expect(Number(refused.headers["ratelimit-reset"])).toBe(retryAfter);
    expect(refused.json().errors[0]).toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterSeconds: retryAfter },
    });
    expect(await h.db.alert.count({ where: { ruleId } })).toBe(5);

    // Another company has its own quota.
    const other = await h.otherCompany();
    expect((await test(await rule(other.adminKey), other.adminKey)).statusCode).toBe(202);
  });
});
