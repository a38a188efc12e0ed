// What every framework's middleware must do, run against a real Keyward API and a real server of
// that framework: each framework's test file gives `serve`, the rest is the same for all.
// The served app has `GET /vehicles` (needs vehicles:read) answering the identity it was given.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keyward } from "../src/index.js";
import { type KeywardApi, startKeywardApi, unreachableUrl } from "./keyward-api.js";

export interface Served {
  /** One request to the served app: its status, headers and parsed JSON body. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: unknown }>;
  close(): Promise<void>;
}

/** Serves `GET /vehicles` behind the framework's middleware requiring `vehicles:read`. */
export type Serve = (keyward: Keyward) => Promise<Served>;

/** A Served over a real listening server at `url`. */
export function overHttp(url: string, close: () => Promise<void>): Served {
  return {
    async get(path, headers = {}) {
      const response = await fetch(`${url}${path}`, { headers });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    close,
  };
}

const UNAUTHORIZED = { errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] };

export function middlewareContract(framework: string, serve: Serve): void {
  describe(`${framework} middleware against a real Keyward API`, () => {
    let api: KeywardApi;
    let keyward: Keyward;
    let served: Served;
    /** Verify calls made to Keyward (the change stream's reconnects are not counted). */
    let verifies = 0;
    const errors: unknown[] = [];
    let reader: { id: string; key: string };

    beforeAll(async () => {
      api = await startKeywardApi();
      const root = await api.createKey({ name: "vehicles service", scopes: ["keys:verify"] });
      reader = await api.createKey({ name: "fleet app", scopes: ["vehicles:read"] });
      keyward = new Keyward({
        baseUrl: api.url,
        rootKey: root.key,
        fetch: (input, init) => {
          if (String(input).endsWith("/v1/keys/verify")) verifies++;
          return fetch(input, init);
        },
        onError: (error) => errors.push(error),
      });
      served = await serve(keyward);
    });
    afterAll(async () => {
      await served?.close();
      await keyward?.close();
      await api?.close();
    });

    it("200 with a key that has the scope (Bearer, any case, or X-API-Key): the identity is on the request", async () => {
      for (const headers of [
        { authorization: `Bearer ${reader.key}` },
        { authorization: `bearer  ${reader.key} ` },
        { "x-api-key": reader.key },
      ] as Record<string, string>[]) {
        const res = await served.get("/vehicles", headers);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          keyId: reader.id,
          companyId: api.companyId,
          scopes: ["vehicles:read"],
          environment: "live",
          metadata: null,
        });
      }
    });

    it("401 without a key, with WWW-Authenticate naming the realm only", async () => {
      const res = await served.get("/vehicles");
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward"');
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it("401 invalid_token for a garbage key and another scheme, answered with no network", async () => {
      const before = verifies;
      const sent: Record<string, string>[] = [
        { authorization: "Bearer kw_live_garbage" },
        { authorization: `Bearer ${reader.key.slice(0, -1)}${reader.key.endsWith("0") ? "1" : "0"}` },
        { authorization: `Basic ${reader.key}` },
        { "x-api-key": "" },
      ];
      for (const headers of sent) {
        const res = await served.get("/vehicles", headers);
        expect(res.status).toBe(401);
        expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward", error="invalid_token"');
        expect(res.body).toEqual(UNAUTHORIZED);
      }
      expect(verifies).toBe(before);
    });

    it("401 invalid_token for a revoked key", async () => {
      const revoked = await api.createKey({ name: "revoked", scopes: ["vehicles:read"] });
      await api.revokeKey(revoked.id);
      const res = await served.get("/vehicles", { authorization: `Bearer ${revoked.key}` });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward", error="invalid_token"');
      expect(res.body).toEqual(UNAUTHORIZED);
    });

    it("403 without the scope: required and available, and WWW-Authenticate insufficient_scope", async () => {
      const other = await api.createKey({ name: "billing app", scopes: ["invoices:read", "invoices:write"] });
      const res = await served.get("/vehicles", { authorization: `Bearer ${other.key}` });
      expect(res.status).toBe(403);
      expect(res.headers.get("www-authenticate")).toBe(
        'Bearer realm="keyward", error="insufficient_scope", scope="vehicles:read"',
      );
      expect(res.body).toEqual({
        errors: [
          {
            code: "FORBIDDEN",
            message: "Insufficient permissions",
            details: { required: ["vehicles:read"], available: ["invoices:read", "invoices:write"] },
          },
        ],
      });
    });

    it("403 IP_NOT_ALLOWED for a key used from outside its allowlist", async () => {
      const pinned = await api.createKey({ name: "pinned", scopes: ["vehicles:read"], ipAllowlist: ["192.0.2.7"] });
      const res = await served.get("/vehicles", { authorization: `Bearer ${pinned.key}` });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ errors: [{ code: "IP_NOT_ALLOWED" }] });
    });

    it("429 over the key's rate limit, with Retry-After and RateLimit-*; RateLimit-* on the allowed response too", async () => {
      const limited = await api.createKey({
        name: "limited",
        scopes: ["vehicles:read"],
        rateLimit: { limit: 1, windowSeconds: 3600 },
      });
      const headers = { authorization: `Bearer ${limited.key}` };
      const allowed = await served.get("/vehicles", headers);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("ratelimit-limit")).toBe("1");
      expect(allowed.headers.get("ratelimit-remaining")).toBe("0");
      const refused = await served.get("/vehicles", headers);
      expect(refused.status).toBe(429);
      const reset = Number(refused.headers.get("ratelimit-reset"));
      expect(reset).toBeGreaterThan(3000);
      expect(reset).toBeLessThanOrEqual(3600);
      expect(refused.headers.get("retry-after")).toBe(String(reset));
      expect(refused.headers.get("ratelimit-limit")).toBe("1");
      expect(refused.headers.get("ratelimit-remaining")).toBe("0");
      expect(refused.body).toEqual({
        errors: [{ code: "RATE_LIMITED", message: "Rate limit exceeded", details: { retryAfterSeconds: reset } }],
      });
    });

    it("503 with Retry-After when Keyward is unreachable and the key was never seen", async () => {
      const offline = new Keyward({ baseUrl: await unreachableUrl(), rootKey: "kw_live_unused", onError: () => {} });
      const down = await serve(offline);
      try {
        const res = await down.get("/vehicles", { authorization: `Bearer ${reader.key}` });
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        expect(res.body).toEqual({
          errors: [{ code: "SERVICE_UNAVAILABLE", message: "Key store unavailable, try again shortly" }],
        });
      } finally {
        await down.close();
        await offline.close();
      }
    });
  });
}
