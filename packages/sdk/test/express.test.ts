import type { AddressInfo } from "node:net";
import express from "express";
import { requireKey } from "../src/express.js";
import { middlewareContract, overHttp } from "./middleware-contract.js";

middlewareContract("Express", async (keyward) => {
  const app = express();
  app.get("/vehicles", requireKey(keyward, ["vehicles:read"]), (req, res) => {
    res.json(req.keyward);
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return overHttp(`http://127.0.0.1:${port}`, () => new Promise((resolve) => server.close(() => resolve())));
});
