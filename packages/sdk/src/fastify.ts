// Fastify plugin: `await app.register(keywardPlugin, { keyward })`, then per route
// `{ onRequest: app.requireKey(["vehicles:read"]) }` and `request.keyward` in the handler.
// The plugin is not encapsulated (fastify-plugin's skip-override), so its decorators reach every
// route of the instance that registered it. The client's IP is `request.ip`: Fastify's own
// `trustProxy` option decides what it is. Keys are checked on `onRequest`, before a body is read.
import type { FastifyInstance, FastifyPluginAsync, onRequestHookHandler } from "fastify";
import { checkRequest } from "./http.js";
import type { Keyward } from "./keyward.js";
import type { KeywardIdentity } from "./types.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The verified key's identity on routes with `requireKey` (null elsewhere). */
    keyward: KeywardIdentity | null;
  }
  interface FastifyInstance {
    /** An onRequest hook refusing a request without a valid key holding `scopes`, as Keyward's API would. */
    requireKey(scopes?: readonly string[], options?: RequireKeyOptions): onRequestHookHandler;
  }
}

export interface KeywardPluginOptions {
  keyward: Keyward;
}

export interface RequireKeyOptions {
  /** Rate-limit points a request consumes (default 1). */
  cost?: number;
}

const plugin: FastifyPluginAsync<KeywardPluginOptions> = async (app: FastifyInstance, { keyward }) => {
  app.decorateRequest("keyward", null);
  app.decorate("requireKey", (scopes?: readonly string[], options: RequireKeyOptions = {}): onRequestHookHandler => {
    return async (request, reply) => {
      const result = await checkRequest(keyward, {
        header: (name) => {
          const value = request.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
        ...(scopes === undefined ? {} : { scopes }),
        ip: request.ip,
        ...(options.cost === undefined ? {} : { cost: options.cost }),
      });
      if (result.refusal)
        return reply.code(result.refusal.status).headers(result.refusal.headers).send(result.refusal.body);
      request.keyward = result.identity;
      reply.headers(result.headers);
    };
  });
};

// fastify-plugin's semantics without the dependency: not encapsulated, named, for Fastify 5.
Object.assign(plugin, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "@keyward/sdk",
  [Symbol.for("plugin-meta")]: { name: "@keyward/sdk", fastify: "5.x" },
});

export const keywardPlugin = plugin;
export type { KeywardIdentity } from "./types.js";
