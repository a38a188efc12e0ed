// A vehicles API whose one route needs a Keyward key with `vehicles:read`.
import { Keyward } from "@keyward/sdk";
import { keywardPlugin } from "@keyward/sdk/fastify";
import Fastify from "fastify";
import { env } from "./env.js";
import { VEHICLES } from "./vehicles.js";

const keyward = new Keyward({ baseUrl: env.KEYWARD_URL, rootKey: env.KEYWARD_ROOT_KEY });
const app = Fastify();
await app.register(keywardPlugin, { keyward });

app.get("/vehicles", { onRequest: app.requireKey(["vehicles:read"]) }, async (request) => {
  const { companyId, keyId } = request.keyward ?? {};
  return { companyId, keyId, vehicles: VEHICLES };
});

// Closing the app closes the SDK too: it reports the usage it counted locally.
app.addHook("onClose", () => keyward.close());
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void app.close());

await app.listen({ port: env.PORT, host: "0.0.0.0" });
console.log(`vehicles API (Fastify) on http://localhost:${env.PORT}`);
