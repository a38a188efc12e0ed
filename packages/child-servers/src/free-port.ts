import { createServer } from "node:net";

/**
 * A loopback port nobody listens on right now: the system picks it (so never 3000/4000 of a running
 * `pnpm start`, never 5432), and it is released before it is returned, for a server to take.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}
