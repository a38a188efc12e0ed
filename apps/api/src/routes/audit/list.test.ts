import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";

let h: Harness;
let writer: { id: string; secret: string };
let created: { id: string };
beforeAll(async () => {
  // Usage is flushed only when a test says so: results stay exact, and no flush races a write.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
  writer = await h.keyWithScopes(["keys:write", "vehicles:read"]);
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/keys",
    headers: bearer(writer.secret),
    payload: { name: "made by writer", scopes: ["vehicles:read"], environment: "live" },
  });
  created = res.json();
  await h.app.inject({
    method: "POST",
    url: `/v1/keys/${created.id}/revoke`,
    headers: bearer(h.adminKey),
    payload: { reason: "leaked" },
  });
});
afterAll(() => h.close());

interface Event {
  id: string;
  seq: number;
  action: string;
  actorId: string | null;
  keyId: string | null;
  createdAt: string;
}

const list = async (key: string | null, query = "") =>
  h.app.inject({ method: "GET", url: `/v1/audit-events${query}`, headers: key ? bearer(key) : {} });

describe("GET /v1/audit-events", () => {
  it("200 newest first, with the chain's hashes and never a secret", async () => {
    const res = await list(h.readOnlyKey);
    expect(res.statusCode).toBe(200);
    const { data, nextCursor } = res.json() as { data: Event[]; nextCursor: string | null };
    expect(nextCursor).toBeNull();
    expect(data[0]).toMatchObject({ action: "key.revoked", keyId: created.id, reason: "leaked", actorType: "key" });
    expect(data[0]).toHaveProperty("hash");
    const seqs = data.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(res.body).not.toContain(writer.secret);
    expect(res.body).not.toContain(h.adminKey);
  });

  it("200 pages with ?limit=&cursor= cover every event exactly once", async () => {
    const all = (await list(h.adminKey, "?limit=100")).json().data as Event[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Event[]; nextCursor: string | null } = (
        await list(h.adminKey, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it("200 filters by action, key, actor and time", async () => {
    const byAction = (await list(h.adminKey, "?action=key.revoked")).json().data as Event[];
    expect(byAction.map((e) => e.keyId)).toEqual([created.id]);

    const byKey = (await list(h.adminKey, `?keyId=${created.id}`)).json().data as Event[];
    expect(byKey.map((e) => e.action)).toEqual(["key.revoked", "key.created"]);

    const byActor = (await list(h.adminKey, `?actor=${writer.id}`)).json().data as Event[];
    expect(byActor.map((e) => [e.action, e.keyId])).toEqual([["key.created", created.id]]);

    const revokedAt = byAction[0]?.createdAt ?? "";
    const since = (await list(h.adminKey, `?from=${revokedAt}`)).json().data as Event[];
    expect(since.map((e) => e.action)).toContain("key.revoked");
    expect(since.every((e) => e.createdAt >= revokedAt)).toBe(true);
    const before = (await list(h.adminKey, `?to=${revokedAt}`)).json().data as Event[];
    expect(before.some((e) => e.action === "key.revoked")).toBe(false);
    expect(before.length).toBeGreaterThan(0);
  });

  it.each<[string, string]>([
    ["a limit of 0", "?limit=0"],
    ["a limit over 100", "?limit=101"],
    ["a cursor that is not a UUID", "?cursor=abc"],
    ["an unknown cursor", "?cursor=00000000-0000-7000-8000-000000000000"],
    ["a keyId that is not a UUID", "?keyId=abc"],
    ["a date that is not ISO 8601", "?from=last-week"],
    ["from after to", "?from=2026-03-10T12:00:00Z&to=2026-03-10T11:00:00Z"],
    ["an unknown parameter", "?user=me"],
  ])("400 VALIDATION_FAILED for %s", async (_label, query) => {
    const res = await list(h.adminKey, query);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
  });

  it("401 without a key", async () => {
    expect((await list(null)).statusCode).toBe(401);
  });

  it("403 without audit:read", async () => {
    const res = await list(writer.secret);
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details.required).toEqual(["audit:read"]);
  });

  it("cross-tenant: another company sees only its own events; our ids give it nothing", async () => {
    const other = await h.otherCompany();
    const ours = (await list(h.adminKey, "?limit=100")).json().data as Event[];
    const theirs = (await list(other.adminKey, "?limit=100")).json().data as Event[];
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.map((e) => e.id).filter((id) => ours.some((o) => o.id === id))).toEqual([]);
    expect((await list(other.adminKey, `?keyId=${created.id}`)).json().data).toEqual([]);
    expect((await list(other.adminKey, `?actor=${writer.id}`)).json().data).toEqual([]);
    // Our event id as their cursor is as unknown as any.
    const foreignCursor = await list(other.adminKey, `?cursor=${ours[0]?.id}`);
    expect(foreignCursor.statusCode).toBe(400);
    expect(foreignCursor.json().errors[0].details.issues[0].path).toEqual(["cursor"]);
  });
});
