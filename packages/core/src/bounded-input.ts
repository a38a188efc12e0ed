// Bounded input primitives. Every string, date and JSON value a request or form hands to a query is
// built from these, so nothing PostgreSQL cannot store or compare gets that far: a NUL character or
// an unpaired surrogate in text, a date outside the years 1–9999, JSON nested without bound. Each
// is then a 400 VALIDATION_FAILED from the schema instead of a 500 from the database.
import { z } from "zod";

// U+0000 (text and jsonb refuse it) and UTF-16 halves without their pair (jsonb refuses the \ud800
// escape JSON.stringify writes for them; text would store U+FFFD instead of what was sent).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const STORABLE_TEXT_MESSAGE = "Must not contain NUL characters or unpaired UTF-16 surrogates";

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** A string of at most `max` characters that PostgreSQL can store and compare. */
export function text(max: number) {
  return z.string().max(max, `At most ${max} characters`).refine(isStorableText, STORABLE_TEXT_MESSAGE);
}

// As JSON dates go: four-digit years, which every PostgreSQL timestamp column and comparison takes.
const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/** An ISO 8601 date-time with offset, as a Date between 0001-01-01 and 9999-12-31 (UTC). */
export function timestamp() {
  return z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .refine((d) => d.getTime() >= EARLIEST && d.getTime() <= LATEST, {
      message: "Must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z",
    });
}

export interface JsonBounds {
  /** Containers (objects, arrays) nested at most this deep; the top-level object is 1. */
  maxDepth: number;
  /** Bytes of the value as JSON text (UTF-8). */
  maxBytes: number;
}

/** What is wrong with a parsed JSON value, or null. Iterative: a deep value cannot exhaust the stack. */
function jsonProblem(value: unknown, { maxDepth, maxBytes }: JsonBounds): string | null {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item === "string" && !isStorableText(item)) return STORABLE_TEXT_MESSAGE;
    if (item === null || typeof item !== "object") continue;
    if (depth > maxDepth) return `Nested more than ${maxDepth} levels deep`;
    if (Array.isArray(item)) {
      for (const element of item) pending.push([element, depth + 1]);
      continue;
    }
    for (const [key, child] of Object.entries(item)) {
      if (!isStorableText(key)) return STORABLE_TEXT_MESSAGE;
      pending.push([child, depth + 1]);
    }
  }
  // Only now, with the depth bounded, is serialising safe.
  if (Buffer.byteLength(JSON.stringify(value)) > maxBytes) return `At most ${maxBytes} bytes of JSON`;
  return null;
}

/** A JSON object (string keys of at most `maxKeyLength`) bounded in depth and size, storable as jsonb. */
export function jsonObject(bounds: JsonBounds & { maxKeyLength: number }) {
  return z.record(text(bounds.maxKeyLength), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonProblem(value, bounds);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  });
}
