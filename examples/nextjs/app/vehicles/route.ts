// GET /vehicles: needs a Keyward key with `vehicles:read`.
import { withKeyward } from "@keyward/sdk/next";
import { keyward } from "../../src/keyward";
import { VEHICLES } from "../../src/vehicles";

export const GET = withKeyward(keyward, { scopes: ["vehicles:read"] }, (_request, { companyId, keyId }) =>
  Response.json({ companyId, keyId, vehicles: VEHICLES }),
);
