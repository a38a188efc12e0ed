import { createConfig, lintFromString, type NormalizedProblem } from "@redocly/openapi-core";
import type { FastifyInstance } from "fastify";
import type { OpenAPIV3_1 } from "openapi-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../test/harness";
import { KEYWARD_ICON_SVG, KEYWARD_LOGO_SVG } from "./docs-branding";
import { DOCS_PREFIX, errorEnvelopeSchema } from "./openapi";

/**
 * Warnings of Redocly's recommended ruleset that this API accepts, with the reason. Every other
 * problem, error or warning, fails the test.
 */
const ACCEPTED_WARNINGS: Record<string, string> = {
  "info-license": "Keyward is not published under a licence yet",
  "operation-4xx-response": "public operations without input (health, this document) cannot answer 4xx",
  "tag-description": "a new tag may come before its description in TAG_DESCRIPTIONS",
};

let h: Harness;
let document: OpenAPIV3_1.Document;
let raw: string;
beforeAll(async () => {
  // With the metrics token, so /metrics is registered and must be documented too.
  h = await startHarness({ KEYWARD_METRICS_TOKEN: "metrics-token-0123456789abcdef" });
  const res = await h.app.inject({ method: "GET", url: "/openapi.json" });
  raw = res.body;
  document = res.json();
});
afterAll(() => h.close());

async function lint(source: string): Promise<NormalizedProblem[]> {
  const config = await createConfig({ extends: ["recommended"] });
  const problems = await lintFromString({ source, absoluteRef: "/openapi.json", config });
  return problems.filter((p) => p.severity === "error" || !(p.ruleId in ACCEPTED_WARNINGS));
}

const describeProblems = (problems: NormalizedProblem[]) =>
  problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

/** Every route Fastify would answer, read from its router rather than from @fastify/swagger. */
function registeredRoutes(app: FastifyInstance): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const segments: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    segments.length = (match[1]?.length ?? 0) / 4;
    segments.push(match[2] ?? "");
    for (const method of match[3]?.split(", ") ?? []) routes.push({ method, path: segments.join("") });
  }
  return routes;
}

describe("GET /openapi.json", () => {
  it("200: OpenAPI 3.1 that passes Redocly's recommended ruleset", async () => {
    expect(document.openapi).toBe("3.1.0");
    expect(describeProblems(await lint(raw))).toEqual([]);
  });

  it("the linter fails a broken copy of the document", async () => {
    const broken = (change: (d: OpenAPIV3_1.Document) => void) => {
      const copy = structuredClone(document);
      change(copy);
      return JSON.stringify(copy);
    };
    const rulesBroken = async (source: string) => (await lint(source)).map((p) => p.ruleId);

    expect(await rulesBroken(broken((d) => delete d.components?.responses?.Unauthorized))).toContain(
      "no-unresolved-refs",
    );
    expect(
      await rulesBroken(
        broken((d) => {
          const get = d.paths?.["/v1/keys/{id}"]?.get;
          if (get) get.parameters = [];
        }),
      ),
    ).toContain("path-parameters-defined");
    expect(
      await rulesBroken(
        broken((d) => {
          (d.paths?.["/v1/health"]?.get as { responses: unknown }).responses = "ok";
        }),
      ),
    ).toContain("struct");
  });

  it("200: every route the server answers is in the document (only the /docs page's own assets are not)", () => {
    const routes = registeredRoutes(h.app).filter(
      (r) => r.method !== "HEAD" && r.path !== DOCS_PREFIX && !r.path.startsWith(`${DOCS_PREFIX}/`),
    );
    // The router walk itself must have worked, or the check below would pass on nothing.
    expect(routes).toContainEqual({ method: "POST", path: "/v1/keys/:id/rotate" });
    expect(routes).toContainEqual({ method: "GET", path: "/metrics" });
    const undocumented = routes.filter(({ method, path }) => {
      const openapiPath = path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      const item = document.paths?.[openapiPath] as Record<string, unknown> | undefined;
      return item?.[method.toLowerCase()] === undefined;
    });
    expect(undocumented).toEqual([]);
  });

  it("security comes from config.auth: public operations have none, authenticated ones list their scopes", () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(schemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemes.apiKeyHeader).toMatchObject({ type: "apiKey", in: "header", name: "X-API-Key" });
    expect(schemes.sessionCookie).toMatchObject({ type: "apiKey", in: "cookie", name: "kw_session" });

    const health = document.paths?.["/v1/health"]?.get;
    expect(health?.security).toEqual([]);
    expect(health?.responses?.["401"]).toBeUndefined();

    const rotate = document.paths?.["/v1/keys/{id}/rotate"]?.post as OpenAPIV3_1.OperationObject &
      Record<string, unknown>;
    expect(rotate.security).toEqual([{ bearer: [] }, { apiKeyHeader: [] }, { sessionCookie: [] }]);
    expect(rotate["x-required-scopes"]).toEqual(["keys:write"]);
    expect(rotate.description).toContain("`keys:write`");
    expect(rotate.responses).toMatchObject({
      "400": { $ref: "#/components/responses/ValidationFailed" },
      "401": { $ref: "#/components/responses/Unauthorized" },
      "403": { $ref: "#/components/responses/Forbidden" },
      "404": { $ref: "#/components/responses/NotFound" },
      "429": { $ref: "#/components/responses/RateLimited" },
    });

    const me = document.paths?.["/v1/me"]?.get as Record<string, unknown>;
    expect(me["x-required-scopes"]).toEqual([]);
    expect(me["x-callers"]).toBeUndefined();
    // Who may call it, beside what scopes: routes for operator keys say so.
    const suspend = document.paths?.["/v1/companies/{id}"]?.patch as Record<string, unknown>;
    expect(suspend).toMatchObject({ "x-required-scopes": ["companies:write"], "x-callers": "operator" });
    expect(suspend.description).toContain("Only an operator key may call it.");
    expect(document.paths?.["/v1/keys/verify"]?.post).toMatchObject({ "x-callers": "any" });
    expect(document.paths?.["/metrics"]?.get?.security).toEqual([{ metricsToken: [] }]);
  });

  it("the ErrorEnvelope component is the body the API really sends for 400, 401, 403 and 404", async () => {
    const envelope = document.components?.schemas?.ErrorEnvelope as OpenAPIV3_1.SchemaObject;
    expect(envelope.required).toEqual(["errors"]);
    const missingId = "00000000-0000-4000-8000-000000000000";
    const answers = await Promise.all([
      h.app.inject({ method: "POST", url: "/v1/keys", headers: bearer(h.adminKey), payload: { name: 1 } }),
      h.app.inject({ method: "GET", url: "/v1/me" }),
      h.app.inject({ method: "GET", url: "/v1/keys", headers: { "x-api-key": "not-a-key" } }),
      h.app.inject({ method: "POST", url: "/v1/keys", headers: bearer(h.readOnlyKey), payload: {} }),
      h.app.inject({ method: "GET", url: `/v1/keys/${missingId}`, headers: bearer(h.adminKey) }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([400, 401, 401, 403, 404]);
    for (const answer of answers) expect(errorEnvelopeSchema.safeParse(answer.json()).success).toBe(true);
  });

  it("documents the limits the validator enforces: one zod schema for both", async () => {
    const body = document.paths?.["/v1/keys/{id}/rotate"]?.post?.requestBody as OpenAPIV3_1.RequestBodyObject;
    const schema = body.content["application/json"]?.schema as { anyOf: OpenAPIV3_1.SchemaObject[] };
    const max = (schema.anyOf[0]?.properties?.gracePeriodSeconds as OpenAPIV3_1.SchemaObject | undefined)?.maximum;
    expect(max).toBe(7 * 86400);
    const { id } = await h.keyWithScopes(["keys:read"]);
    const rotate = (gracePeriodSeconds: number) =>
      h.app.inject({
        method: "POST",
        url: `/v1/keys/${id}/rotate`,
        headers: bearer(h.adminKey),
        payload: { gracePeriodSeconds },
      });
    expect((await rotate((max ?? 0) + 1)).statusCode).toBe(400);
    expect((await rotate(max ?? 0)).statusCode).toBe(201);
  });
});

describe("GET /docs", () => {
  it("200: an HTML reference page whose every asset is served by this server, none from elsewhere", async () => {
    const page = await h.app.inject({ method: "GET", url: DOCS_PREFIX });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    // Browsers enforce it: the page may load scripts, styles and data from this origin only.
    const csp = String(page.headers["content-security-policy"]);
    for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/https?:|\*/);

    const assets = [...page.body.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? "");
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset, `${asset} must be same-origin`).toMatch(/^\/(?!\/)/);
      const res = await h.app.inject({ method: "GET", url: asset });
      expect(res.statusCode, asset).toBe(200);
    }
    expect(assets).toContain(`${DOCS_PREFIX}/static/swagger-ui-bundle.js`);

    // The page's script fetches the document from this server and turns off the online validator badge.
    const initializer = await h.app.inject({ method: "GET", url: `${DOCS_PREFIX}/static/swagger-initializer.js` });
    expect(initializer.body).toContain("validatorUrl: null");
    expect(initializer.body).not.toMatch(/https?:\/\/(?!stackoverflow\.com\/a\/)/);
    const served = await h.app.inject({ method: "GET", url: `${DOCS_PREFIX}/json` });
    expect(served.json()).toEqual(document);
  });

  it("200: Keyward's page, not @fastify/swagger-ui's: title, tab icon and top-bar logo", async () => {
    const page = await h.app.inject({ method: "GET", url: DOCS_PREFIX });
    expect(page.body).toContain("<title>Keyward API reference</title>");
    expect(page.body).not.toContain("favicon-32x32.png");
    const icon = await h.app.inject({ method: "GET", url: `${DOCS_PREFIX}/static/theme/keyward.svg` });
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect(icon.body).toBe(KEYWARD_ICON_SVG);
    const initializer = await h.app.inject({ method: "GET", url: `${DOCS_PREFIX}/static/swagger-initializer.js` });
    expect(initializer.body).toContain(Buffer.from(KEYWARD_LOGO_SVG).toString("base64"));
  });
});
