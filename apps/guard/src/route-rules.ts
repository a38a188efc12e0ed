// Which scopes a managed key needs for a request through the guard: rules such as
// `GET /vehicles/* -> vehicles:read`, first match wins. Method `*` is any method; `*` in a path is
// any run of characters (slashes included), and `/x/*` also matches `/x` itself. A request no
// rule matches is refused to every managed key (403): a route is opened to keys by listing it.
// The static secret and its tokens are not subject to rules: they grant everything. Rules judge the
// canonical path of request-path.ts, which is the path the upstream receives.
import { isValidScope } from "@keyward/auth-core";

export interface RouteRule {
  methods: string[] | "*";
  path: string;
  scopes: string[];
  /** The rule as written, for messages. */
  text: string;
  pattern: RegExp;
}

export type RouteRuleInput = string | { method?: string | string[]; path?: string; scopes?: string | string[] };

const METHOD = /^[A-Z]+$/;

export class RouteRuleError extends Error {}

function compilePath(path: string): RegExp {
  const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  const body = path.endsWith("/*")
    ? `${path.slice(0, -2).split("*").map(escapeRegExp).join(".*")}(?:/.*)?`
    : path.split("*").map(escapeRegExp).join(".*");
  return new RegExp(`^${body}$`);
}

function splitList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(/[\s,]+/)).filter(Boolean);
}

export function parseRouteRule(input: RouteRuleInput): RouteRule {
  let methods: string[];
  let path: string | undefined;
  let scopes: string[];
  let text: string;
  if (typeof input === "string") {
    text = input.trim();
    const match = /^(\S+)\s+(\S+)\s*(?:->|→)\s*(.+)$/.exec(text);
    if (!match) {
      throw new RouteRuleError(`route rule "${text}": write it as "METHOD /path/* -> resource:action"`);
    }
    methods = splitList(match[1]);
    path = match[2];
    scopes = splitList(match[3]);
  } else if (input !== null && typeof input === "object") {
    methods = splitList(input.method ?? "*");
    path = input.path;
    scopes = splitList(input.scopes);
    text = `${methods.join(",")} ${path ?? "?"} -> ${scopes.join(", ")}`;
  } else {
    throw new RouteRuleError(`route rule ${JSON.stringify(input)}: a string or {method, path, scopes}`);
  }
  methods = methods.map((m) => m.toUpperCase());
  if (methods.length === 0 || methods.some((m) => m !== "*" && !METHOD.test(m))) {
    throw new RouteRuleError(`route rule "${text}": the method is GET, POST, ... or *`);
  }
  if (path === undefined || !path.startsWith("/")) {
    throw new RouteRuleError(`route rule "${text}": the path starts with /`);
  }
  if (scopes.length === 0 || scopes.some((s) => !isValidScope(s))) {
    throw new RouteRuleError(`route rule "${text}": scopes look like vehicles:read, vehicles:*, *:read or *`);
  }
  return { methods: methods.includes("*") ? "*" : methods, path, scopes, text, pattern: compilePath(path) };
}

export function matchRoute(rules: readonly RouteRule[], method: string, path: string): RouteRule | null {
  for (const rule of rules) {
    // HEAD is GET without the body: a GET rule covers it.
    const allowed =
      rule.methods === "*" || rule.methods.includes(method) || (method === "HEAD" && rule.methods.includes("GET"));
    if (!allowed) continue;
    if (rule.pattern.test(path)) return rule;
  }
  return null;
}
