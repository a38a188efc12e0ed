// Two API processes on one database: a company suspended through one replica, or deleted by the
// CLI (core deleteCompany, which only writes the key-change log), is refused by the other replica
// even though its cache holds the company's key. Without REDIS_URL the key-change log carries it;
// with REDIS_URL, pub/sub too.
import { createCompany, createOperatorKey, createStarterKeys, deleteCompany, OPERATOR_SCOPES } from "@keyward/core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ApiProcess } from "../../test/api-process";
import { FIRST_OWNER } from "../../test/credentials";
import { useTwoReplicas } from "../../test/replicas";

const r = useTwoReplicas();
let operatorKey: string;
beforeAll(async () => {
  operatorKey = (await createOperatorKey(r.db, { name: "ops", scopes: [...OPERATOR_SCOPES] }, null)).secret;
});

const auth = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });

/** A company with an admin key, that key in `replica`'s cache. */
async function tenantSeenBy(replica: ApiProcess, name: string): Promise<{ companyId: string; adminKey: string }> {
  const { companyId } = await createCompany(r.db, { name, ownerEmail: FIRST_OWNER.email }, { type: "system" });
  const { adminKey } = await createStarterKeys(r.db, companyId, { type: "system" }, "test");
  for (let i = 0; i < 2; i++) {
    expect((await fetch(`${replica.url}/v1/keys`, { headers: auth(adminKey.secret) })).status).toBe(200);
  }
  return { companyId, adminKey: adminKey.secret };
}

/** The first answer of `replica` to `key` that is not `from`: a change reaching it must turn 200 into 401, or back. */
function nextStatus(replica: ApiProcess, key: string, from: number): Promise<number> {
  return vi.waitFor(
    async () => {
      const { status } = await fetch(`${replica.url}/v1/keys`, { headers: auth(key) });
      if (status === from) throw new Error(`replica still answers ${from}`);
      return status;
    },
    { timeout: 5000, interval: 20 },
  );
}

describe("two API replicas and a company's status", () => {
  it("suspended through replica A: B refuses its key, which B had cached; resumed through A: B accepts it again", async () => {
    const [a, b] = r.replicas;
    const tenant = await tenantSeenBy(b, "Hooli");
    const patch = (status: string) =>
      fetch(`${a.url}/v1/companies/${tenant.companyId}`, {
        method: "PATCH",
        headers: auth(operatorKey),
        body: JSON.stringify({ status }),
      });
    expect((await patch("suspended")).status).toBe(200);
    expect(await nextStatus(b, tenant.adminKey, 200)).toBe(401);
    expect((await patch("active")).status).toBe(200);
    expect(await nextStatus(b, tenant.adminKey, 401)).toBe(200);
  });

  it("deleted by the CLI (core deleteCompany): both replicas refuse its key, which both had cached", async () => {
    const [a, b] = r.replicas;
    const tenant = await tenantSeenBy(b, "Endframe");
    expect((await fetch(`${a.url}/v1/keys`, { headers: auth(tenant.adminKey) })).status).toBe(200);
    await deleteCompany(r.db, tenant.companyId);
    expect(await nextStatus(a, tenant.adminKey, 200)).toBe(401);
    expect(await nextStatus(b, tenant.adminKey, 200)).toBe(401);
  });
});
