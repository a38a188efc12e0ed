// The API's operations as its own `GET /openapi.json` describes them: the abuse suites walk this
// list, so a route added tomorrow is fuzzed and must join the tenant matrix without anyone
// remembering to list it.
import type { FastifyInstance } from "fastify";
import type { OpenAPIV3_1 } from "openapi-types";
import { DOCS_PREFIX } from "../plugins/openapi";

/** The subset of JSON Schema the API's zod schemas produce (see plugins/openapi.ts). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface Parameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** As the document writes it: `/v1/keys/{id}`. */
  path: string;
  /** `METHOD path`: how the suites name an operation. */
  name: string;
  pathParams: Parameter[];
  query: Parameter[];
  body: { required: boolean; schema: JsonSchema } | null;
  /** Scopes the route requires (`[]`: any credential); null for a public route. */
  scopes: string[] | null;
  /** The route also takes its credential as `?token=` (server-sent events). */
  queryToken: boolean;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

type OperationObject = OpenAPIV3_1.OperationObject & { "x-required-scopes"?: string[] };

export async function fetchOperations(app: FastifyInstance): Promise<Operation[]> {
  const res = await app.inject({ method: "GET", url: "/openapi.json" });
  if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
  const document = res.json() as OpenAPIV3_1.Document;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method] as OperationObject | undefined;
      if (!operation) continue;
      const parameters = (operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
      const paramsIn = (where: string): Parameter[] =>
        parameters
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true, schema: (p.schema ?? {}) as JsonSchema }));
      const requestBody = operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      const bodySchema = requestBody?.content?.["application/json"]?.schema as JsonSchema | undefined;
      const upper = method.toUpperCase() as Operation["method"];
      operations.push({
        method: upper,
        path,
        name: `${upper} ${path}`,
        pathParams: paramsIn("path"),
        query: paramsIn("query"),
        body: bodySchema ? { required: requestBody?.required === true, schema: bodySchema } : null,
        scopes: operation["x-required-scopes"] ?? null,
        queryToken: (operation.security ?? []).some((s) => "queryToken" in s),
      });
    }
  }
  return operations;
}

/**
 * `METHOD /path/{param}` of every route the app serves, read from Fastify's own route tree (not from
 * the document, which a route can leave with `hide`): the HEAD twins of GET routes and the reference
 * page's assets under `/docs` aside. Each line of `printRoutes` is a node: its depth in 4-character
 * indents, the path it adds to its parent's, and its methods in parentheses.
 */
export function servedRoutes(app: FastifyInstance): string[] {
  const pathAt: string[] = [];
  const names: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const node = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!node) continue;
    const depth = (node[1] ?? "").length / 4;
    const path = `${depth > 0 ? pathAt[depth - 1] : ""}${node[2]}`;
    pathAt.length = depth;
    pathAt.push(path);
    if (path === DOCS_PREFIX || path.startsWith(`${DOCS_PREFIX}/`)) continue;
    const methods = node[3]?.split(", ") ?? [];
    for (const method of methods) {
      if (method !== "HEAD" || !methods.includes("GET"))
        names.push(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
    }
  }
  return names;
}

/** The URL of an operation with its path parameters filled in (already encoded by the caller). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? "");
}

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) becomes its three WTF-8
 * bytes: invalid UTF-8 on the wire, which is exactly what the server must survive.
 */
export function percentEncode(text: string): string {
  // Well-formed runs go to encodeURIComponent; each lone surrogate is written out by hand.
  return text.replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|[^\ud800-\udfff]+/g, (run) => {
    if (run.length !== 1 || run.charCodeAt(0) < 0xd800 || run.charCodeAt(0) > 0xdfff) return encodeURIComponent(run);
    const code = run.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      .map((b) => `%${b.toString(16).toUpperCase()}`)
      .join("");
  });
}

/** The schemas a value may take: a plain schema is one alternative, anyOf/oneOf are several. */
export function alternativesOf(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}

/** Whether a schema (or one of its alternatives) is a UUID: the fields that carry ids. */
export function isUuidSchema(schema: JsonSchema): boolean {
  return alternativesOf(schema).some((s) => s.format === "uuid");
}
