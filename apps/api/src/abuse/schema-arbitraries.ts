// Values for the fuzzer, drawn from the JSON Schema of each parameter and body in /openapi.json:
// valid ones (so requests get past validation and reach handlers) and, for any position of a valid
// value, the malformed ones attackers send (wrong types, NUL bytes, huge or deep values, dates
// PostgreSQL cannot store). Hints by field name make values meaningful where a schema cannot say
// (a scope, a webhook URL, one of the world's ids); a new field without a hint still gets values.
import fc from "fast-check";
import { alternativesOf, type JsonSchema } from "./operations";

/** A JSON text put into a body as is: nesting too deep to build as objects, or keys JSON.stringify would hide. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Arbitraries by property or parameter name, for values a schema alone cannot make valid. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

/** Strings whose handling has broken servers before. */
export const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u0041",
  "\uffff",
  "💥",
  "../../../../etc/passwd",
  "%00",
  "%",
  "\\",
  "'; DROP TABLE api_keys; --",
  "' OR '1'='1",
  "$\u{7b}7*7}{{7*7}}",
  "<script>alert(1)</script>",
  "=cmd|' /C calc'!A0",
  "null",
  "undefined",
  "NaN",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "\r\n\r\n",
  "\t",
] as const;

/** Dates PostgreSQL's timestamptz cannot hold, and edges JavaScript's Date handles differently. */
export const NASTY_DATES = [
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00+14:00",
  "-000001-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "275760-09-13T00:00:00Z",
  "9999-12-31T23:59:59.999Z",
  "99999-01-01T00:00:00Z",
  "1969-12-31T23:59:59.999Z",
  "1970-01-01T00:00:00Z",
  "2024-02-30T00:00:00Z",
  "2024-13-01T00:00:00Z",
  "2024-01-01T24:00:00Z",
  "2024-01-01T00:00:00.0000000000001Z",
  "2024-01-01",
  "2024-01-01T00:00:00",
  "now",
] as const;

export const NASTY_NUMBERS = [
  0,
  -1,
  -0,
  0.5,
  1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  -1e21,
  1e308,
  5e-324,
] as const;

/** Text forms of numbers a query string may carry. */
export const NASTY_NUMBER_TEXTS = ["-1", "0", "1e3", "0x10", "1.5", "Infinity", "NaN", "9".repeat(400), " 5", "5 "];

const MAX_ARRAY_ITEMS = 3;
const MAX_DEPTH = 6;

const nastyString = fc.constantFrom<string>(...NASTY_STRINGS);
const anyUnicode = fc.string({ unit: "binary", maxLength: 40 });

/** A string of `length` characters, cheap to draw however long. */
export const longString = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom("x", "é", "\u0000", "💥", "a\\"))
    .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

/** `{"a":{"a":…}}` or `[[[…]]]`, as text: nesting JSON.stringify would take long to build and print. */
export const deepJson = (min: number, max: number): fc.Arbitrary<RawJson> =>
  fc
    .tuple(fc.integer({ min, max }), fc.boolean())
    .map(([depth, objects]) =>
      objects
        ? new RawJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)
        : new RawJson(`${"[".repeat(depth)}1${"]".repeat(depth)}`),
    );

/** An address every validator accepts (fast-check's own are RFC-valid but exotic). */
export const plainEmail = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.constantFrom("example.com", "example.org", "mail.example.net"))
  .map(([local, domain]) => `${local}@${domain}`);

/** Plain (non-hinted) string values for a string schema. */
function stringValue(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  const maxLength = Math.min(schema.maxLength ?? 40, 40);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  switch (schema.format) {
    case "uuid":
      return fc.uuid({ version: 7 });
    case "date-time":
      // Mostly near now (usage and audit ranges are bounded), now and then years away.
      return fc
        .oneof(
          { weight: 4, arbitrary: fc.integer({ min: -40 * 86_400, max: 3_600 }) },
          { weight: 1, arbitrary: fc.integer({ min: -3 * 365 * 86_400, max: 10 * 365 * 86_400 }) },
        )
        .map((seconds) => new Date(Math.floor(Date.now() / 60_000) * 60_000 + seconds * 1000).toISOString());
    case "email":
      return plainEmail;
    case "uri":
      // TEST-NET-1: never routed, and no DNS to wait on.
      return fc.webPath().map((path) => `https://192.0.2.1${path}`);
    case "ipv4":
      return fc.ipV4();
    case "ipv6":
      return fc.ipV6();
  }
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= maxLength * 4);
  return fc.string({ minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, 1) });
}

/** A value the schema accepts (as far as the schema can tell; hints add what it cannot). */
export function validValue(schema: JsonSchema, hints: Hints, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const hinted = name === undefined ? undefined : hints[name];
  if (hinted) return hinted;
  const alternatives = alternativesOf(schema);
  if (alternatives.length > 1) return fc.oneof(...alternatives.map((s) => validValue(s, hints, name, depth)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -1000, -(2 ** 31)),
        max: Math.min(schema.maximum ?? 1000, 2 ** 31 - 1),
      });
    case "number":
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case "string":
      return stringValue(schema);
    case "array": {
      const items = validValue(schema.items ?? {}, hints, name ? `${name}[]` : undefined, depth + 1);
      const minLength = schema.minItems ?? 0;
      return fc.array(items, {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, MAX_ARRAY_ITEMS)),
      });
    }
    case "object":
      return objectValue(schema, hints, depth);
    default:
      return depth >= MAX_DEPTH ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function objectValue(schema: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) {
    // A free-form record (metadata): a few JSON values under short keys.
    return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
  }
  const required = new Set(schema.required ?? []);
  // Each optional field is present three times in four: fields that only make sense together
  // (an alert rule's kind, threshold and window) then often come together and the whole validates.
  const fields = names.map((name) =>
    fc.tuple(
      fc.constant(name),
      validValue(properties[name] ?? {}, hints, name, depth + 1),
      required.has(name) ? fc.constant(true) : fc.nat({ max: 3 }).map((n) => n > 0),
    ),
  );
  return fc
    .tuple(...fields)
    .map((drawn) => Object.fromEntries(drawn.filter(([, , present]) => present).map(([name, value]) => [name, value])));
}

/** Values of another JSON type than the schema's (or than any of its alternatives). */
function wrongTypes(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = new Set(
    alternativesOf(schema).flatMap((s) => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : [])),
  );
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!types.has("string")) candidates.push(nastyString, fc.constant("1"));
  if (!types.has("integer") && !types.has("number")) candidates.push(fc.constantFrom(...NASTY_NUMBERS));
  if (!types.has("boolean")) candidates.push(fc.boolean());
  if (!types.has("null")) candidates.push(fc.constant(null));
  if (!types.has("array")) candidates.push(fc.constant([]), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
  if (!types.has("object")) candidates.push(fc.constant({}), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
  // A schema of any type (a metadata value) has no wrong type: any JSON then.
  return candidates.length > 0 ? fc.oneof(...candidates) : fc.jsonValue({ maxDepth: 2 });
}

/** What an attacker puts where a value of `schema` belongs. */
export function malformedValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const strings = alternativesOf(schema).filter((s) => s.type === "string");
  const numbers = alternativesOf(schema).filter((s) => s.type === "integer" || s.type === "number");
  const arrays = alternativesOf(schema).filter((s) => s.type === "array");
  const options: fc.Arbitrary<unknown>[] = [wrongTypes(schema), deepJson(500, 5000), fc.jsonValue({ maxDepth: 3 })];
  if (strings.length > 0) {
    const maxLength = Math.max(...strings.map((s) => s.maxLength ?? 100));
    options.push(
      nastyString,
      anyUnicode,
      longString(maxLength + 1, Math.max(maxLength + 1, 20_000)),
      fc.constantFrom(...NASTY_DATES),
      // A valid value with a NUL byte or a control character inside.
      validValue(strings[0] ?? {}, {}).map((s) => `${String(s)}\u0000`),
      validValue(strings[0] ?? {}, {}).map((s) => `\u0000${String(s)}\u0001`),
    );
  }
  if (numbers.length > 0) options.push(fc.constantFrom(...NASTY_NUMBERS), fc.double());
  if (arrays.length > 0) {
    const arraySchema = arrays[0] ?? {};
    const overMax = (arraySchema.maxItems ?? 100) + 1;
    options.push(
      fc.array(malformedItem(arraySchema.items ?? {}), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: overMax, max: overMax + 50 }).map((n) => Array.from({ length: n }, () => "*")),
    );
  }
  return fc.oneof(...options);
}

// One level of recursion is enough for array items: deeper malformations come from mutations.
const malformedItem = (schema: JsonSchema): fc.Arbitrary<unknown> =>
  fc.oneof(wrongTypes(schema), nastyString, fc.constantFrom(...NASTY_DATES));

/** Places in a value where a mutation can apply: the path to the node and its schema. */
interface Node {
  path: (string | number)[];
  schema: JsonSchema;
  value: unknown;
}

function nodesOf(value: unknown, schema: JsonSchema, path: (string | number)[] = []): Node[] {
  const nodes: Node[] = [{ path, schema, value }];
  const objectSchema = alternativesOf(schema).find((s) => s.type === "object");
  const arraySchema = alternativesOf(schema).find((s) => s.type === "array");
  if (objectSchema && isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      nodes.push(...nodesOf(child, objectSchema.properties?.[key] ?? {}, [...path, key]));
    }
  } else if (arraySchema && Array.isArray(value)) {
    value.forEach((child, i) => {
      nodes.push(...nodesOf(child, arraySchema.items ?? {}, [...path, i]));
    });
  }
  return nodes;
}

/** A JSON object as drawn (fast-check's records have no prototype), not a class instance such as RawJson. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

/** A copy of the plain objects and arrays of a value; anything else (a RawJson, an id reference) is shared. */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)]));
  }
  return value;
}

type Container = Record<string | number, unknown>;

/** A copy of `root` with `change` applied to the node at `path` (given as its parent and key). */
function setAt(
  root: unknown,
  path: (string | number)[],
  change: (parent: Container, key: string | number) => void,
): unknown {
  const holder: Container = { root: copyOf(root) };
  let parent = holder;
  let key: string | number = "root";
  for (const next of path) {
    parent = parent[key] as Container;
    key = next;
  }
  change(parent, key);
  return holder.root;
}

const isString = (node: Node) => typeof node.value === "string";
const isDate = (node: Node) => alternativesOf(node.schema).some((s) => s.format === "date-time");
const isFreeForm = (node: Node) => isPlainObject(node.value) && Object.keys(node.schema.properties ?? {}).length === 0;

type Mutated = { value: unknown; mutation: string };

interface MutationKind {
  /** How often it is drawn, relative to the others. */
  weight: number;
  applies: (node: Node) => boolean;
  make: (valid: unknown, node: Node, where: string) => fc.Arbitrary<Mutated>;
}

const REPLACE: MutationKind = {
  weight: 2,
  applies: () => true,
  make: (valid, node, where) =>
    malformedValue(node.schema).map((value) => ({
      value: setAt(valid, node.path, (p, k) => (p[k] = value)),
      mutation: `replace ${where}`,
    })),
};

/**
 * A mutation kind, the nodes it applies to, and what it does to one. Kinds are drawn first, then a
 * node: each class of bad input the API must refuse (NUL bytes, unstorable dates, depth, wrong
 * types…) is tried often, however many other fields the body has.
 */
const MUTATIONS: MutationKind[] = [
  {
    weight: 3,
    applies: isString,
    make: (valid, node, where) =>
      fc
        .tuple(
          fc.nat({ max: String(node.value).length }),
          fc.constantFrom("\u0000", "\u0000\u0000", "\u0001", "\ud800"),
        )
        .map(([at, bad]) => {
          const text = String(node.value);
          return {
            value: setAt(valid, node.path, (p, k) => (p[k] = text.slice(0, at) + bad + text.slice(at))),
            mutation: `control character in ${where}`,
          };
        }),
  },
  {
    weight: 2,
    applies: isDate,
    make: (valid, node, where) =>
      fc.constantFrom(...NASTY_DATES).map((date) => ({
        value: setAt(valid, node.path, (p, k) => (p[k] = date)),
        mutation: `date ${date} at ${where}`,
      })),
  },
  {
    weight: 1,
    applies: isFreeForm,
    make: (valid, node, where) =>
      deepJson(200, 5_000).map((deep) => ({
        value: setAt(valid, node.path, (p, k) => (p[k] = { deep })),
        mutation: `deep nesting at ${where}`,
      })),
  },
  {
    weight: 1,
    applies: isString,
    make: (valid, node, where) =>
      longString((node.schema.maxLength ?? 100) + 1, 30_000).map((long) => ({
        value: setAt(valid, node.path, (p, k) => (p[k] = long)),
        mutation: `long string at ${where}`,
      })),
  },
  REPLACE,
  {
    weight: 1,
    applies: (node) => node.path.length > 0,
    make: (valid, node, where) =>
      fc.constant({
        value: setAt(valid, node.path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])),
        mutation: `delete ${where}`,
      }),
  },
  {
    weight: 1,
    applies: (node) => isPlainObject(node.value),
    make: (valid, node, where) =>
      fc
        .tuple(
          fc.constantFrom("extra", "__proto__", "constructor", "", "\u0000", "id", "companyId"),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([key, value]) => ({
          value: setAt(valid, node.path, (p, k) => {
            // defineProperty: a plain assignment to "__proto__" would change the prototype, not add a field.
            Object.defineProperty(p[k], key, { value, enumerable: true, writable: true, configurable: true });
          }),
          mutation: `extra field ${JSON.stringify(key)} at ${where}`,
        })),
  },
];

/** One mutation of a valid value, at a node it applies to (else a malformed value anywhere). */
export function mutated(valid: unknown, schema: JsonSchema): fc.Arbitrary<Mutated> {
  const nodes = nodesOf(valid, schema);
  return fc.oneof(...MUTATIONS.map((m) => ({ weight: m.weight, arbitrary: fc.constant(m) }))).chain((mutation) => {
    const eligible = nodes.filter(mutation.applies);
    const [kind, candidates] = eligible.length > 0 ? [mutation, eligible] : [REPLACE, nodes];
    return fc.nat({ max: candidates.length - 1 }).chain((at) => {
      const node = candidates[at] as Node;
      return kind.make(valid, node, node.path.join(".") || "(root)");
    });
  });
}

/** JSON text of a value that may hold RawJson parts. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : toJsonText(v))).join(",")}]`;
  if (isPlainObject(value)) {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
