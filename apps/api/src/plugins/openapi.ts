// The API's OpenAPI 3.1 document, generated from the zod schemas that validate each request, so the
// document cannot drift from what the server accepts. Security and scopes come from each route's
// `config.auth`; error responses are the docs/api.md#errors envelope, declared once and referenced.
// `GET /openapi.json` serves it; `GET /docs` is Swagger UI served from the package, no CDN.
import { STATUS_CODES } from "node:http";
import fastifySwagger, { type SwaggerTransform, type SwaggerTransformObject } from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { ErrorCode } from "@keyward/auth-core";
import type { FastifyInstance } from "fastify";
import { createJsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import type { OpenAPIV3_1 } from "openapi-types";
import { z } from "zod";
import packageJson from "../../package.json" with { type: "json" };
import { KEYWARD_ICON_SVG, KEYWARD_LOGO_SVG, SWAGGER_LOGO_STYLE_HASH } from "./docs-branding";

/** Where the API reference page lives; its own asset routes are not API operations. */
export const DOCS_PREFIX = "/docs";

/** Every credential an authenticated operation accepts (docs/api.md#credentials). */
const CREDENTIALS: OpenAPIV3_1.SecurityRequirementObject[] = [
  { bearer: [] },
  { apiKeyHeader: [] },
  { sessionCookie: [] },
];

const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  bearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "API key or JWT",
    description: "`Authorization: Bearer <credential>`: an API key (`kw_live_…`, `kw_test_…`) or a JWT.",
  },
  apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key", description: "`X-API-Key: <API key>`." },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "kw_session",
    description: "Dashboard session, set by `POST /v1/auth/login` with an admin key.",
  },
  queryToken: {
    type: "apiKey",
    in: "query",
    name: "token",
    description: "`?token=<credential>`: only where an EventSource client cannot send headers.",
  },
  metricsToken: {
    type: "http",
    scheme: "bearer",
    description: "`Authorization: Bearer <KEYWARD_METRICS_TOKEN>`, for `GET /metrics` only.",
  },
};

/** The one error body of every endpoint (docs/api.md#errors); the codes are auth-core's closed set. */
export const errorEnvelopeSchema = z
  .object({
    errors: z
      .array(
        z.object({
          code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
          message: z.string(),
          details: z.record(z.string(), z.unknown()).optional(),
        }),
      )
      .min(1),
  })
  .describe("Every error of every endpoint has this shape.");

const ENVELOPE_REF = { $ref: "#/components/schemas/ErrorEnvelope" };

function errorResponse(
  description: string,
  example: { code: ErrorCode; message: string; details?: Record<string, unknown> },
  headers?: Record<string, OpenAPIV3_1.HeaderObject>,
): OpenAPIV3_1.ResponseObject {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { "application/json": { schema: ENVELOPE_REF, example: { errors: [example] } } },
  };
}

const integerHeader = (description: string): OpenAPIV3_1.HeaderObject => ({
  description,
  schema: { type: "integer" },
});
const wwwAuthenticate: OpenAPIV3_1.HeaderObject = {
  description: 'RFC 6750 challenge: `Bearer realm="keyward"`, with `error=...` when a credential was sent.',
  schema: { type: "string" },
};

const ERROR_RESPONSES: Record<string, OpenAPIV3_1.ResponseObject> = {
  ValidationFailed: errorResponse(
    "`VALIDATION_FAILED`: bad body, query or params; `details.issues` lists each problem.",
    {
      code: "VALIDATION_FAILED",
      message: "Invalid request body",
      details: { issues: [{ path: ["name"], message: "Required", location: "body" }] },
    },
  ),
  Unauthorized: errorResponse(
    "`UNAUTHORIZED`: missing, malformed, unknown, expired or revoked credential. The body is the same for every cause.",
    { code: "UNAUTHORIZED", message: "Invalid or missing API key" },
    { "WWW-Authenticate": wwwAuthenticate },
  ),
  Forbidden: errorResponse(
    "`FORBIDDEN`: the credential lacks a scope (`details.required`, `details.available`); or `IP_NOT_ALLOWED`: the caller's IP is outside the key's allowlist.",
    { code: "FORBIDDEN", message: "Insufficient permissions", details: { required: ["keys:write"], available: [] } },
    { "WWW-Authenticate": wwwAuthenticate },
  ),
  NotFound: errorResponse("`NOT_FOUND`: unknown id, or one of another company.", {
    code: "NOT_FOUND",
    message: "Not found",
  }),
  RateLimited: errorResponse(
    "`RATE_LIMITED`: over the key's limit, or too many failed attempts from this IP; `details.retryAfterSeconds`.",
    { code: "RATE_LIMITED", message: "Rate limit exceeded", details: { retryAfterSeconds: 12 } },
    {
      "Retry-After": integerHeader("Seconds to wait before retrying."),
      "RateLimit-Limit": integerHeader("Requests allowed per window."),
      "RateLimit-Remaining": integerHeader("Requests left in the window."),
      "RateLimit-Reset": integerHeader("Seconds until the window resets."),
    },
  ),
  ServiceUnavailable: errorResponse("`SERVICE_UNAVAILABLE`: the database is unreachable and the key is not cached.", {
    code: "SERVICE_UNAVAILABLE",
    message: "Key store unavailable, try again shortly",
  }),
};

const TAG_DESCRIPTIONS: Record<string, string> = {
  system: "Health, metrics and this document.",
  auth: "Who is calling, sessions and tokens.",
  keys: "Create, inspect, verify, rotate, revoke and import API keys.",
  usage: "Allowed and denied requests over time.",
  audit: "Who did what, when.",
  alerts: "Alert rules and the alerts they fired.",
  events: "Live audit events and alerts.",
  companies: "The installation's companies, managed by the operator's services with an operator key.",
};

/** `GET /v1/keys/:id/rotate` → `getV1KeysByIdRotate`: stable, URL-safe and unique per method and path. */
function operationIdOf(method: string, url: string): string {
  const words = url
    .split("/")
    .filter(Boolean)
    .map((segment) => (segment.startsWith(":") ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1));
  return method.toLowerCase() + words.join("");
}

const zodTransform = createJsonSchemaTransform({ skipList: [] });

/** Per route: zod → JSON Schema, then security and scopes from `config.auth`. */
const transform: SwaggerTransform = (input) => {
  const result = zodTransform(input);
  // A route declared without a schema still belongs in the document (and must not make it a 500).
  result.schema ??= {};
  const schema = result.schema as Record<string, unknown>;
  if (schema.hide) return result;
  const { route } = input;
  if (!schema.operationId && typeof route.method === "string") {
    schema.operationId = operationIdOf(route.method, route.url);
  }
  if (schema.security !== undefined) return result;
  const scopes = route.config?.auth?.scopes;
  if (scopes === undefined) {
    schema.security = [];
    return result;
  }
  schema.security = route.config?.auth?.queryToken ? [...CREDENTIALS, { queryToken: [] }] : CREDENTIALS;
  schema["x-required-scopes"] = scopes;
  const needs =
    scopes.length === 0
      ? "Any valid credential."
      : `Requires scope${scopes.length > 1 ? "s" : ""} ${scopes.map((s) => `\`${s}\``).join(", ")}.`;
  const callers = route.config?.auth?.callers ?? "company";
  if (callers !== "company") schema["x-callers"] = callers;
  const who = callers === "operator" ? " Only an operator key may call it." : "";
  schema.description = schema.description ? `${schema.description}\n\n${needs}${who}` : `${needs}${who}`;
  return result;
};

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const ref = (name: keyof typeof ERROR_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** The docs/api.md#errors errors an operation can answer, unless the route declared that status itself. */
function addErrorResponses(path: string, operation: OpenAPIV3_1.OperationObject): void {
  operation.responses ??= {};
  const responses = operation.responses;
  for (const [status, response] of Object.entries(responses)) {
    // @fastify/swagger's placeholder for a response schema without a description.
    if ("description" in response && response.description === "Default Response") {
      response.description = STATUS_CODES[status] ?? "Response";
    }
  }
  const add = (status: string, name: keyof typeof ERROR_RESPONSES) => {
    responses[status] ??= ref(name);
  };
  const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
  if (takesInput) add("400", "ValidationFailed");
  if ((operation.security?.length ?? 0) > 0) add("401", "Unauthorized");
  if (!("x-required-scopes" in operation)) return;
  add("403", "Forbidden");
  if (path.includes("{")) add("404", "NotFound");
  add("429", "RateLimited");
  add("503", "ServiceUnavailable");
}

/** Whole document: zod registry components, the error envelope and responses, and the tag list. */
const transformObject: SwaggerTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input) as OpenAPIV3_1.Document;
  const { $schema: _, ...envelope } = z.toJSONSchema(errorEnvelopeSchema, { target: "draft-2020-12" });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ErrorEnvelope: envelope as OpenAPIV3_1.SchemaObject },
    responses: { ...document.components?.responses, ...ERROR_RESPONSES },
  };
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (!operation) continue;
      addErrorResponses(path, operation);
      for (const tag of operation.tags ?? []) tags.add(tag);
    }
  }
  document.tags = [...tags].sort().map((name) => {
    const description = TAG_DESCRIPTIONS[name];
    return description === undefined ? { name } : { name, description };
  });
  return document;
};

/**
 * Registers the document and the reference page. Call it before any route is registered:
 * @fastify/swagger only sees routes added after it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Keyward API",
        version: packageJson.version,
        description:
          "API keys for your API: issue, verify, rotate and revoke. Every error has the `ErrorEnvelope` shape.",
      },
      servers: [{ url: "/", description: "This server" }],
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform,
    transformObject,
  });

  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    theme: {
      title: "Keyward API reference",
      favicon: [
        { filename: "keyward.svg", rel: "icon", type: "image/svg+xml", sizes: "any", content: KEYWARD_ICON_SVG },
      ],
    },
    logo: { type: "image/svg+xml", content: KEYWARD_LOGO_SVG, href: DOCS_PREFIX, target: "_self" },
    // Everything the page loads comes from this server: the UI ships inside @fastify/swagger-ui.
    staticCSP: `default-src 'self'; script-src 'self'; style-src 'self' ${SWAGGER_LOGO_STYLE_HASH}; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`,
    uiConfig: { deepLinking: true },
  });

  app.get(
    "/openapi.json",
    {
      schema: {
        tags: ["system"],
        summary: "This OpenAPI 3.1 document",
        response: {
          200: z
            .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
            .describe("OpenAPI 3.1 document"),
        },
      },
    },
    async () => app.swagger() as unknown as { openapi: string; info: object; paths: object },
  );
}
