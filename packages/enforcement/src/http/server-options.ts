// Fastify's options for a server made elsewhere (@keyward/tls's createKeywardServer: HTTPS when
// KEYWARD_TLS is on), shared by the API and the guard. Fastify applies its own timeouts only to servers
// it makes itself, so they are applied here; `https` only names the scheme in its "listening at" line.
import type { RequestListener, Server } from "node:http";
import type { FastifyServerFactory, FastifyServerOptions } from "fastify";

export interface MadeServer {
  create(handler: RequestListener): Server;
  https: boolean;
}

export function madeServerOptions(server: MadeServer): FastifyServerOptions {
  const serverFactory: FastifyServerFactory = (handler, options) => {
    const made = server.create(handler);
    const { keepAliveTimeout, requestTimeout, connectionTimeout } = options as FastifyServerOptions;
    if (keepAliveTimeout !== undefined) made.keepAliveTimeout = keepAliveTimeout;
    if (requestTimeout !== undefined) made.requestTimeout = requestTimeout;
    made.setTimeout(connectionTimeout ?? 0);
    return made;
  };
  return { serverFactory, ...(server.https ? ({ https: true } as unknown as FastifyServerOptions) : {}) };
}
