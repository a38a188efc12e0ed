// A vehicles API whose one route needs a Keyward key with `vehicles:read`.
import { Keyward } from "@keyward/sdk";
import { requireKey } from "@keyward/sdk/express";
import express from "express";
import { env } from "./env.js";
import { VEHICLES } from "./vehicles.js";

const keyward = new Keyward({ baseUrl: env.KEYWARD_URL, rootKey: env.KEYWARD_ROOT_KEY });
const app = express();

app.get("/vehicles", requireKey(keyward, ["vehicles:read"]), (req, res) => {
  const { companyId, keyId } = req.keyward ?? {};
  res.json({ companyId, keyId, vehicles: VEHICLES });
});

const server = app.listen(env.PORT, () => console.log(`vehicles API (Express) on http://localhost:${env.PORT}`));

// Stop taking requests, then close the SDK: it reports the usage it counted locally.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => server.close(() => void keyward.close()));
}
