// A vehicles API whose one route needs a Keyward key with `vehicles:read`, served by Node.
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Keyward } from "@keyward/sdk";
import { requireKey } from "@keyward/sdk/hono";
import { Hono } from "hono";
import { env } from "./env.js";
import { VEHICLES } from "./vehicles.js";

const keyward = new Keyward({ baseUrl: env.KEYWARD_URL, rootKey: env.KEYWARD_ROOT_KEY });
const app = new Hono();

// On Node the client is the socket's peer; behind a proxy, take it from what that proxy sets.
const ip = (c: Parameters<typeof getConnInfo>[0]) => getConnInfo(c).remote.address;

app.get("/vehicles", requireKey(keyward, ["vehicles:read"], { ip }), (c) => {
  const { companyId, keyId } = c.get("keyward");
  return c.json({ companyId, keyId, vehicles: VEHICLES });
});

const server = serve({ fetch: app.fetch, port: env.PORT }, () =>
  console.log(`vehicles API (Hono) on http://localhost:${env.PORT}`),
);

// Stop taking requests, then close the SDK: it reports the usage it counted locally.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => server.close(() => void keyward.close()));
}
