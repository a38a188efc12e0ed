import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { Hono } from "hono";
import { requireKey } from "../src/hono.js";
import { middlewareContract, overHttp } from "./middleware-contract.js";

middlewareContract("Hono", async (keyward) => {
  const app = new Hono();
  app.get("/vehicles", requireKey(keyward, ["vehicles:read"], { ip: (c) => getConnInfo(c).remote.address }), (c) =>
    c.json(c.get("keyward")),
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return overHttp(`http://127.0.0.1:${port}`, () => new Promise((resolve) => server.close(() => resolve())));
});
