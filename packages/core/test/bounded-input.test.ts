// The bounded primitives agree with PostgreSQL: what they accept, the database stores and compares
// (checked against a real one), and what they refuse is exactly what it cannot take.

import { useCompanyDatabase } from "@keyward/db/vitest";
import { describe, expect, it } from "vitest";
import { jsonObject, text, timestamp } from "../src";

const t = useCompanyDatabase("Acme");

const ACCEPTED_TEXT = [
  "plain",
  "",
  "tab\tand\nnewline",
  "\u0001\u001f\u007f",
  "日本語",
  "😀 paired surrogates",
  "\uFFFF",
];
const REFUSED_TEXT = ["a\u0000b", "\u0000", "lone high \uD800", "lone low \uDC00", "reversed \uDC00\uD800"];

describe("text()", () => {
  it.each(ACCEPTED_TEXT)("accepts %j, and PostgreSQL stores it unchanged", async (value) => {
    expect(text(100).parse(value)).toBe(value);
    const row = await t.db.company.create({ data: { name: value } });
    expect((await t.db.company.findUniqueOrThrow({ where: { id: row.id } })).name).toBe(value);
  });

  it.each(REFUSED_TEXT)("refuses %j", (value) => {
    expect(text(100).safeParse(value).success).toBe(false);
  });

  it("refuses more than max characters", () => {
    expect(text(3).safeParse("abcd").success).toBe(false);
    expect(text(3).safeParse("abc").success).toBe(true);
  });
});

describe("timestamp()", () => {
  it.each(["0001-01-01T00:00:00Z", "1970-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z"])(
    "accepts %s, and PostgreSQL compares with it",
    async (value) => {
      const date = timestamp().parse(value);
      await expect(
        t.db.auditEvent.count({ where: { companyId: t.companyId, createdAt: { gte: date } } }),
      ).resolves.toBe(0);
    },
  );

  it.each(["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "2026-13-01T00:00:00Z"])(
    "refuses %s",
    (value) => {
      expect(timestamp().safeParse(value).success).toBe(false);
    },
  );
});

describe("jsonObject()", () => {
  const bounded = jsonObject({ maxKeyLength: 10, maxDepth: 3, maxBytes: 64 });

  it("accepts an object within depth and size, which jsonb stores", async () => {
    const value = { a: [{ b: "日本語" }], n: null, t: true };
    expect(bounded.parse(value)).toEqual(value);
    const key = await t.db.apiKey.create({
      data: {
        companyId: t.companyId,
        name: "k",
        hash: "0".repeat(64),
        start: "kw_live_0000",
        environment: "live",
        metadata: value,
      },
    });
    expect((await t.db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).metadata).toEqual(value);
  });

  it.each<[string, unknown]>([
    ["too deep", { a: [{ b: [] }] }],
    ["too large", { a: "x".repeat(64) }],
    ["a NUL in a value", { a: ["\u0000"] }],
    ["a NUL in a nested key", { a: { "\u0000": 1 } }],
    ["an unpaired surrogate", { a: "\uD800" }],
    ["a key over the length", { abcdefghijk: 1 }],
    ["not an object", [1]],
  ])("refuses %s", (_label, value) => {
    expect(bounded.safeParse(value).success).toBe(false);
  });

  it("refuses 100,000 levels without exhausting the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(bounded.safeParse({ a: deep }).success).toBe(false);
  });
});
