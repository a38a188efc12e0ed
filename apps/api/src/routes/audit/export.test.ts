import { AUDIT_CSV_COLUMNS, AUDIT_EXPORT_PAGE_SIZE, neutralizeFormula } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../app";
import { loadEnv } from "../../env";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
beforeAll(async () => {
  // Usage is flushed only when a test says so: results stay exact, and no flush races a write.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
});
afterAll(() => h.close());

const exportCsv = (key: string | null, query = "", headers: Record<string, string> = {}) =>
  h.app.inject({
    method: "GET",
    url: `/v1/audit-events/export.csv${query}`,
    headers: { ...(key ? bearer(key) : {}), ...headers },
  });

/**
 * RFC 4180, enough to read back what we wrote: quoted cells, doubled quotes, CRLF or LF rows; with
 * `;` as a spreadsheet in a `;` locale reads the file.
 */
function parseCsv(text: string, delimiter = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += c;
    } else if (c === delimiter) {
      endCell();
    } else if (c === "\n") {
      endRow();
    } else if (c !== "\r") {
      cell += c;
    }
  }
  if (cell !== "" || row.length > 0) endRow();
  return rows;
}

/** Appends `n` events straight to the table, to have a log bigger than several export pages. */
async function seedEvents(n: number, companyId = h.companyId): Promise<void> {
  const last = await h.db.auditEvent.findFirst({ where: { companyId }, orderBy: { seq: "desc" } });
  let seq = last?.seq ?? 0;
  for (let done = 0; done < n; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - done) }, () => ({
      companyId,
      seq: ++seq,
      actorType: "system",
      action: "test.bulk",
      metadata: { n: seq },
      hash: "0".repeat(64),
    }));
    await h.db.auditEvent.createMany({ data: batch });
  }
}

describe("GET /v1/audit-events/export.csv", () => {
  it("200 a CSV attachment: header row, then the same events as the list, newest first", async () => {
    const res = await exportCsv(h.readOnlyKey);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="audit-events.csv"');
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(AUDIT_CSV_COLUMNS);
    const listed = (
      await h.app.inject({ method: "GET", url: "/v1/audit-events?limit=100", headers: bearer(h.adminKey) })
    )
      .json()
      .data.map((e: { id: string }) => e.id);
    expect(rows.slice(1).map((r) => r[0])).toEqual(listed);
    expect(res.body).not.toContain(h.adminKey);
  });

  it("200 applies the list's filters", async () => {
    const { id } = await h.keyWithScopes(["vehicles:read"]);
    await h.app.inject({ method: "POST", url: `/v1/keys/${id}/revoke`, headers: bearer(h.adminKey) });
    const rows = parseCsv((await exportCsv(h.adminKey, `?keyId=${id}`)).body);
    const action = AUDIT_CSV_COLUMNS.indexOf("action");
    expect(rows.slice(1).map((r) => r[action])).toEqual(["key.revoked", "key.created"]);
    expect(parseCsv((await exportCsv(h.adminKey, "?action=no.such.action")).body)).toEqual([AUDIT_CSV_COLUMNS]);
  });

  it("200 cells that a spreadsheet would run as formulas are escaped", async () => {
    const agent = '=HYPERLINK("http://evil.example","click")';
    const created = await h.app.inject({
      method: "POST",
      url: "/v1/keys",
      headers: { ...bearer(h.adminKey), "user-agent": agent },
      payload: { name: "victim", scopes: ["vehicles:read"], environment: "live" },
    });
    for (const reason of ["@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3"]) {
      const { id } = await h.keyWithScopes(["vehicles:read"]);
      await h.app.inject({
        method: "POST",
        url: `/v1/keys/${id}/revoke`,
        headers: bearer(h.adminKey),
        payload: { reason },
      });
    }
    const res = await exportCsv(h.adminKey);
    const rows = parseCsv(res.body);
    const cells = rows.flat();
    expect(cells).toContain(`'${agent}`);
    expect(cells).toEqual(expect.arrayContaining(["'@SUM(1+1)", "'+cmd|' /C calc'!A0", "'-2+3"]));
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    expect(rows.find((r) => r[0] !== "id" && r.includes(created.json().id))).toBeDefined();
    expect(neutralizeFormula("\tx")).toBe("'\tx");
    expect(neutralizeFormula("kw_live_Ab3d")).toBe("kw_live_Ab3d");
  });

  it("200 every field is quoted and formulas are neutralised, also after leading whitespace, for , and ; locales", async () => {
    // In a `;` locale an unquoted `ok;=…` is two cells, the second a formula.
    const reasons = ['ok;=HYPERLINK("http://evil.example")', "ok;@SUM(1)", "ok;+1", "ok,-1", "multi\nline;=1"];
    for (const reason of reasons) {
      const { id } = await h.keyWithScopes(["vehicles:read"]);
      const res = await h.app.inject({
        method: "POST",
        url: `/v1/keys/${id}/revoke`,
        headers: bearer(h.adminKey),
        payload: { reason },
      });
      expect(res.statusCode).toBe(200);
    }
    const body = (await exportCsv(h.adminKey, "?action=key.revoked")).body;
    // Every field quoted (null and empty ones too), records separated by CRLF.
    expect(body).toMatch(/^(?:"(?:[^"]|"")*"(?:,|\r\n))+$/);
    for (const delimiter of [",", ";"]) {
      const cells = parseCsv(body, delimiter).flat();
      expect(cells.filter((c) => /^\s*[=+\-@]/.test(c) || /^[\t\r]/.test(c))).toEqual([]);
    }
    const reasonCells = parseCsv(body).map((row) => row[AUDIT_CSV_COLUMNS.indexOf("reason")]);
    expect(reasonCells).toEqual(expect.arrayContaining(reasons));
    // Whitespace before the formula character does not hide it (text the API trims can still reach an export).
    for (const cell of [" =1+1", "\n@SUM(1)", "\u00a0+1", "\r\n-1", "\t =1", "\r"]) {
      expect(neutralizeFormula(cell)).toBe(`'${cell}`);
    }
    for (const cell of ["kw_live_Ab3d", "a=1", "ok;=1", "", "1-2"]) expect(neutralizeFormula(cell)).toBe(cell);
  });

  it("200 streams thousands of events, reading the database one page at a time as the client reads", async () => {
    await seedEvents(3000);
    const total = await h.db.auditEvent.count({ where: { companyId: h.companyId } });

    // The same app over a database client that counts the export's page queries.
    let pageQueries = 0;
    const counted = h.db.$extends({
      query: {
        auditEvent: {
          async findMany({ args, query }) {
            pageQueries++;
            expect(args.take).toBe(AUDIT_EXPORT_PAGE_SIZE);
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const app: FastifyInstance = await buildApp({
      db: counted,
      env: loadEnv({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
    });
    try {
      const res = await app.inject({
        method: "GET",
        url: "/v1/audit-events/export.csv",
        headers: bearer(h.adminKey),
        payloadAsStream: true,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-length"]).toBeUndefined();
      const body = res.stream()[Symbol.asyncIterator]();
      const chunks: Buffer[] = [];
      const first = await body.next();
      chunks.push(first.value);
      // While the client is not reading (for 200 ms: a span of time is what is tested), the export
      // does not run ahead through the log.
      await new Promise((r) => setTimeout(r, 200));
      expect(pageQueries).toBeLessThanOrEqual(2);

      for (let next = await body.next(); !next.done; next = await body.next()) chunks.push(next.value);
      const rows = parseCsv(Buffer.concat(chunks).toString("utf8"));
      expect(rows).toHaveLength(total + 1);
      expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(total);
      expect(pageQueries).toBe(Math.floor(total / AUDIT_EXPORT_PAGE_SIZE) + 1);
    } finally {
      await app.close();
    }
  }, 120_000);

  it.each<[string, string]>([
    ["a keyId that is not a UUID", "?keyId=abc"],
    ["from after to", "?from=2026-03-10T12:00:00Z&to=2026-03-10T11:00:00Z"],
    ["a page parameter (the export has no pages)", "?limit=10"],
  ])("400 VALIDATION_FAILED for %s", async (_label, query) => {
    const res = await exportCsv(h.adminKey, query);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("401 without a key", async () => {
    const res = await exportCsv(null);
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-disposition"]).toBeUndefined();
  });

  it("403 without audit:read", async () => {
    const { secret } = await h.keyWithScopes(["keys:read", "usage:read"]);
    expect((await exportCsv(secret)).statusCode).toBe(403);
  });

  it("cross-tenant: another company's export holds only its own events", async () => {
    const other = await h.otherCompany();
    const rows = parseCsv((await exportCsv(other.adminKey)).body);
    const ourIds = new Set((await h.db.auditEvent.findMany({ where: { companyId: h.companyId } })).map((e) => e.id));
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).filter((r) => ourIds.has(r[0] ?? ""))).toEqual([]);
    expect(parseCsv((await exportCsv(other.adminKey, "?action=test.bulk")).body)).toEqual([AUDIT_CSV_COLUMNS]);
  });
});
