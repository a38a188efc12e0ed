import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ AUTH_FAILURE_LIMIT: "5", AUTH_FAILURE_WINDOW_SECONDS: "60" });
});
afterAll(() => h.close());

describe("failed-credential throttle", () => {
  it("after 5 refused credentials from one IP, that IP gets 429 even with a valid key; other IPs do not", async () => {
    const from = (ip: string, key: string) =>
      h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key), remoteAddress: ip });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await from("203.0.113.7", `kw_live_guess${i}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401]);
    // Failures are recorded off the response path: wait until the fifth has blocked the IP.
    await vi.waitFor(() => expect(h.app.keyward.throttle.blockedFor("203.0.113.7")).toBeGreaterThan(0));
    const blocked = await from("203.0.113.7", h.adminKey);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.json().errors[0]).toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect((await from("203.0.113.8", h.adminKey)).statusCode).toBe(200);
  });
});
