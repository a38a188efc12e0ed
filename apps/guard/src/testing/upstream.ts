// A real small upstream for the guard's tests: echoes what reached it (method, path, headers),
// counts uploaded bytes without keeping them, serves server-sent events and a WebSocket echo.
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
}

/** What the test upstream echoes, or the guard's error body. */
export interface Answer {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  bytes: number;
  errors: [{ code: string; message: string; details?: Record<string, unknown> }];
}
export const json = (res: Response) => res.json() as Promise<Answer>;

export interface Upstream {
  url: string;
  port: number;
  /** Every request that reached the upstream, in order. */
  seen: Seen[];
  close(): Promise<void>;
}

export async function startUpstream(port = 0): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const entry: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, bytes: 0 };
    seen.push(entry);
    if (req.url === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let n = 0;
      const timer = setInterval(() => {
        n++;
        res.write(`id: ${n}\ndata: tick ${n}\n\n`);
        if (n === 3) {
          clearInterval(timer);
          res.end();
        }
      }, 150);
      req.on("close", () => clearInterval(timer));
      return;
    }
    if (req.url?.startsWith("/download/")) {
      // Streams the requested number of MiB without holding them.
      const total = Number(req.url.split("/")[2]) * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(total) });
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
      return;
    }
    req.on("data", (chunk: Buffer) => {
      entry.bytes += chunk.length;
    });
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-upstream": "yes" });
      res.end(JSON.stringify({ method: entry.method, url: entry.url, headers: entry.headers, bytes: entry.bytes }));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (socket, req) => {
    seen.push({ method: "WS", url: req.url ?? "", headers: req.headers, bytes: 0 });
    socket.on("message", (data, binary) => socket.send(binary ? data : `echo: ${data.toString()}`));
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    seen,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
