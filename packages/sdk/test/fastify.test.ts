import Fastify from "fastify";
import { keywardPlugin } from "../src/fastify.js";
import { middlewareContract, overHttp } from "./middleware-contract.js";

middlewareContract("Fastify", async (keyward) => {
  const app = Fastify();
  await app.register(keywardPlugin, { keyward });
  app.get("/vehicles", { onRequest: app.requireKey(["vehicles:read"]) }, async (request) => request.keyward);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return overHttp(url, () => app.close());
});
