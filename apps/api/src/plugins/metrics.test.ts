import { randomUUID } from "node:crypto";
import { generateKey } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { bearer, type Harness, startHarness } from "../test/harness";
import { errorEnvelopeSchema } from "./openapi";

const TOKEN = "metrics-token-0123456789abcdef";

/** The value of one series in Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2] ? match[2].split(",") : [];
    if (have.length === wanted.length && wanted.every((l) => have.includes(l))) return Number(match[3]);
  }
  return undefined;
}

describe("GET /metrics (KEYWARD_METRICS_TOKEN set)", () => {
  let h: Harness;
  beforeAll(async () => {
    // No timed flush during the test: the one flush it counts is the one it asks for.
    h = await startHarness({ KEYWARD_METRICS_TOKEN: TOKEN, USAGE_FLUSH_INTERVAL_MS: "300000" });
  });
  afterAll(() => h.close());

  const scrape = () => h.app.inject({ method: "GET", url: "/metrics", headers: bearer(TOKEN) });

  it("200: requests by route pattern and status, verifications by outcome, cache and flush series", async () => {
    const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: "GET", url, headers });
    const unknownKey = generateKey({ prefix: "kw", environment: "live" }).key;
    const missingId = randomUUID();

    for (let i = 0; i < 2; i++) expect((await get("/v1/health")).statusCode).toBe(200);
    expect((await h.app.inject({ method: "HEAD", url: "/v1/health" })).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await get("/v1/me", bearer(h.adminKey))).statusCode).toBe(200);
    expect((await get(`/v1/keys/${missingId}`, bearer(h.adminKey))).statusCode).toBe(404);
    expect((await get("/v1/me", bearer(unknownKey))).statusCode).toBe(401);
    expect((await get("/v1/me")).statusCode).toBe(401);
    const refused = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: bearer(h.readOnlyKey),
      payload: { name: "x", scopes: ["keys:read"], environment: "test" },
    });
    expect(refused.statusCode).toBe(403);
    expect((await get("/no/such/path?token=leaked-secret")).statusCode).toBe(404);
    await h.app.keyward.usage.flush();

    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const requests = (method: string, route: string, status: string) =>
      sample(text, "keyward_http_requests_total", { method, route, status_code: status });

    expect(requests("GET", "/v1/health", "200")).toBe(2);
    expect(requests("HEAD", "/v1/health", "200")).toBe(1);
    expect(requests("GET", "/v1/me", "200")).toBe(3);
    expect(requests("GET", "/v1/me", "401")).toBe(2);
    expect(requests("POST", "/v1/keys", "403")).toBe(1);
    expect(requests("GET", "/v1/keys/:id", "404")).toBe(1);
    expect(requests("GET", "(unmatched)", "404")).toBe(1);
    expect(
      sample(text, "keyward_http_request_duration_seconds_count", {
        method: "GET",
        route: "/v1/health",
        status_code: "200",
      }),
    ).toBe(2);
    // Route patterns only: neither the raw path nor its query string becomes a label.
    expect(text).not.toContain(missingId);
    expect(text).not.toContain("/no/such/path");
    expect(text).not.toContain("leaked-secret");

    const outcome = (name: string) => sample(text, "keyward_auth_verifications_total", { outcome: name });
    expect(outcome("VALID")).toBe(4);
    expect(outcome("INVALID")).toBe(1);
    expect(outcome("MISSING")).toBe(1);
    expect(outcome("INSUFFICIENT_SCOPE")).toBe(1);

    const { hits, negativeHits, misses, storeQueries } = h.app.keyward.verifier.stats;
    expect(hits).toBeGreaterThan(0);
    expect(sample(text, "keyward_key_cache_lookups_total", { result: "hit" })).toBe(hits);
    expect(sample(text, "keyward_key_cache_lookups_total", { result: "negative_hit" })).toBe(negativeHits);
    expect(sample(text, "keyward_key_cache_lookups_total", { result: "miss" })).toBe(misses);
    expect(sample(text, "keyward_key_store_queries_total")).toBe(storeQueries);
    expect(sample(text, "keyward_key_cache_hit_ratio")).toBeCloseTo(
      (hits + negativeHits) / (hits + negativeHits + misses),
      10,
    );

    expect(sample(text, "keyward_usage_flush_duration_seconds_count")).toBe(1);
    expect(sample(text, "keyward_usage_pending_requests")).toBe(0);
    expect(sample(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });

  it("200: the output names no key, secret or token", async () => {
    await h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(h.adminKey) });
    const text = (await scrape()).body;
    const admin = await h.db.apiKey.findFirstOrThrow({ where: { companyId: h.companyId } });
    for (const secret of [TOKEN, h.adminKey, h.readOnlyKey, admin.id, admin.hash, admin.hash.slice(0, 8)]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/kw_(live|test)_/);
  });

  it("401 without the token, with a wrong one, or with an API key instead", async () => {
    const attempts = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
      { "x-api-key": TOKEN },
      bearer(h.adminKey),
    ];
    for (const headers of attempts) {
      const res = await h.app.inject({ method: "GET", url: "/metrics", headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="keyward"');
      expect(errorEnvelopeSchema.parse(res.json()).errors[0]?.code).toBe("UNAUTHORIZED");
      expect(res.body).not.toContain("keyward_http_requests_total");
    }
  });
});

describe("GET /metrics (KEYWARD_METRICS_TOKEN unset)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("404: the endpoint does not exist, with or without a bearer token, and is not documented", async () => {
    for (const headers of [{}, bearer(TOKEN)]) {
      const res = await h.app.inject({ method: "GET", url: "/metrics", headers });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ errors: [{ code: "NOT_FOUND", message: "Route not found" }] });
    }
    const document = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(document.paths["/metrics"]).toBeUndefined();
  });

  it("404 when the variable is empty; a token shorter than 16 characters is refused at startup", () => {
    expect(loadEnv({ KEYWARD_METRICS_TOKEN: "" }).KEYWARD_METRICS_TOKEN).toBeUndefined();
    expect(() => loadEnv({ KEYWARD_METRICS_TOKEN: "short" })).toThrow(/KEYWARD_METRICS_TOKEN: at least 16 characters/);
    expect(loadEnv({ KEYWARD_METRICS_TOKEN: TOKEN }).KEYWARD_METRICS_TOKEN).toBe(TOKEN);
  });
});
