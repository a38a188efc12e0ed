// Figure 8: usage counted after 1,000,000 requests with a SIGTERM in the middle, as in a rolling
// deploy. Two real API replicas (apps/api/src/main.ts) on one database; the clients send to A, A
// gets SIGTERM once half the requests are served, and each client moves to B as soon as A refuses
// or drops a request (that request is then sent again to B). When all are served B is stopped too.
// Every request is `POST /v1/keys/verify` by key K1 (scope keys:verify) about key K2, a route that
// needs no database on a cache hit, so usage of both keys is counted on every request: the
// allowed count written for K1, and for K2, must equal the 200s the clients received.
import { check, type Figure } from "./support/figure";
import { HttpClient } from "./support/load";
import { startApiReplica } from "./support/processes";
import { allowedCount, createCompany, seedKeys } from "./support/seed";

export const figure08: Figure = {
  id: 8,
  title: "usage counted after 1,000,000 requests with a SIGTERM in the middle",
  target: "exactly the requests served",
  anchor: "",
  async run(ctx) {
    const { db } = ctx.database;
    const total = ctx.quick ? 20_000 : 1_000_000;
    const concurrency = 32;
    const companyId = await createCompany(db, "Bench shutdown");
    const [caller] = await seedKeys(db, companyId, 1, { scopes: ["keys:verify"] });
    const [verified] = await seedKeys(db, companyId, 1, { scopes: ["bench:read"] });
    if (!caller || !verified) throw new Error("no keys seeded");

    const env: Record<string, string> = {
      DATABASE_URL: ctx.database.url,
      KEYWARD_ENCRYPTION_KEY: ctx.encryptionKey,
      ...(ctx.redisUrl ? { REDIS_URL: ctx.redisUrl } : {}),
    };
    const [a, b] = await Promise.all([startApiReplica(env), startApiReplica(env)]);
    const clientA = new HttpClient(a.url, concurrency);
    const clientB = new HttpClient(b.url, concurrency);
    const headers = { authorization: `Bearer ${caller.secret}`, "content-type": "application/json" };
    const body = JSON.stringify({ key: verified.secret });

    let issued = 0;
    let served = 0;
    let servedByA = 0;
    let movedToB = false;
    let sigtermAt: number | null = null;
    let aExit: Promise<number | null> | null = null;
    const refusedByA = new Map<string, number>();
    const failures = new Map<string, number>();
    const note = (m: Map<string, number>, what: string) => m.set(what, (m.get(what) ?? 0) + 1);

    const started = performance.now();
    const worker = async () => {
      while (issued < total) {
        issued++;
        for (;;) {
          const toA = !movedToB;
          let status: number;
          try {
            status = (await (toA ? clientA : clientB).request("/v1/keys/verify", headers, { method: "POST", body }))
              .status;
          } catch (error) {
            if (toA) {
              movedToB = true;
              note(refusedByA, (error as NodeJS.ErrnoException).code ?? "socket error");
              continue;
            }
            note(failures, `B: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
            break;
          }
          if (status === 200) {
            served++;
            if (toA) servedByA++;
            if (served % 100_000 === 0) ctx.log(`  ${served} served`);
            if (sigtermAt === null && served >= total / 2) {
              sigtermAt = served;
              aExit = a.stop();
            }
            break;
          }
          if (toA) {
            movedToB = true;
            note(refusedByA, String(status));
            continue;
          }
          note(failures, `B: ${status}`);
          break;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
      const seconds = (performance.now() - started) / 1000;
      const aCode = await (aExit ?? a.stop());
      const bCode = await b.stop();
      const [writtenCaller, writtenVerified] = [
        await allowedCount(db, [caller.id]),
        await allowedCount(db, [verified.id]),
      ];
      const exact = writtenCaller === served && writtenVerified === served;
      return {
        measured: `${writtenCaller} counted for ${served} served (A ${servedByA} before and during its shutdown, B ${served - servedByA})`,
        met: exact && served === total,
        checks: [
          check(
            "every request served (by A, or by B after A stopped)",
            served === total,
            `${served} of ${total}; ${JSON.stringify(Object.fromEntries(failures))}`,
          ),
          check(
            "usage of the calling key = requests served",
            writtenCaller === served,
            `${writtenCaller} written, ${served} served`,
          ),
          check(
            "usage of the verified key = requests served",
            writtenVerified === served,
            `${writtenVerified} written, ${served} served`,
          ),
          check("both replicas exited 0 on SIGTERM", aCode === 0 && bCode === 0, `A ${aCode}, B ${bCode}`),
          check(
            "A received SIGTERM in the middle",
            sigtermAt !== null && servedByA < total,
            `SIGTERM after ${sigtermAt} served`,
          ),
        ],
        notes: [
          `${(served / seconds).toFixed(0)} req/s over ${seconds.toFixed(0)} s, ${concurrency} connections; ` +
            `A's refusals while closing, each retried on B: ${JSON.stringify(Object.fromEntries(refusedByA))}`,
        ],
        data: {
          total,
          served,
          servedByA,
          writtenCaller,
          writtenVerified,
          sigtermAt,
          seconds,
          refusedByA: Object.fromEntries(refusedByA),
        },
      };
    } finally {
      await clientA.close();
      await clientB.close();
      await Promise.all([a.stop(), b.stop()]);
    }
  },
};
