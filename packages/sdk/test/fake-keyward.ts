// A small HTTP server that speaks Keyward's verify, key-change stream and usage protocol, with
// verdicts and changes the test decides: it drives the SDK through states the real API cannot be
// made to reach on demand (a verdict in flight while a change arrives, a stream cut mid-way, an
// outage). keyward.test.ts runs the SDK against the real API too.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Verdict } from "../src/types.js";

export interface FakeKeyward {
  url: string;
  /** Verify calls received, in order. */
  verifies: { key: string; requiredScopes?: string[]; ip?: string }[];
  /** Usage reports received. */
  reports: unknown[][];
  /** Last-Event-ID of each stream connection, in order (undefined: none sent). */
  streamCursors: (string | undefined)[];
  /** What verify answers for a key (default NOT_FOUND). */
  verdicts: Map<string, Verdict>;
  /** When set, verify of this key waits for `until` before answering. */
  hold: { key: string; until: Promise<void> } | null;
  /** Whether verify accepts the root key (else 401, as for a revoked one). */
  acceptRoot: boolean;
  /** Whether usage reports are accepted (else 500). */
  acceptReports: boolean;
  /** Whether new stream connections are accepted (else 503). */
  acceptStreams: boolean;
  /** Whether a reconnecting stream may resume (answers ready reset:false) or must reset. */
  resumable: boolean;
  /** Sends a key change to every open stream. */
  change(keyId: string): void;
  /** Ends every open stream (clients reconnect). */
  cutStreams(): void;
  openStreams(): number;
  close(): Promise<void>;
}

export async function startFakeKeyward(): Promise<FakeKeyward> {
  const streams = new Set<ServerResponse>();
  let cursor = 1000;
  const fake: FakeKeyward = {
    url: "",
    verifies: [],
    reports: [],
    streamCursors: [],
    verdicts: new Map(),
    hold: null,
    acceptReports: true,
    acceptRoot: true,
    resumable: true,
    acceptStreams: true,
    change(keyId) {
      cursor++;
      for (const res of streams) res.write(`id: ${cursor}\nevent: key\ndata: ${JSON.stringify({ keyId })}\n\n`);
    },
    cutStreams() {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    openStreams: () => streams.size,
    async close() {
      fake.cutStreams();
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };

  const body = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    return JSON.parse(text);
  };

  const server: Server = createServer(async (req, res) => {
    if (req.url === "/v1/keys/changes") {
      const lastEventId = req.headers["last-event-id"];
      fake.streamCursors.push(typeof lastEventId === "string" ? lastEventId : undefined);
      if (!fake.acceptStreams) return res.writeHead(503).end();
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      const reset = lastEventId === undefined || !fake.resumable;
      res.write(`id: ${cursor}\nevent: ready\ndata: ${JSON.stringify({ reset })}\n\n`);
      streams.add(res);
      res.on("close", () => streams.delete(res));
      return;
    }
    if (req.url === "/v1/keys/verify" && req.method === "POST") {
      const input = await body(req);
      fake.verifies.push(input);
      if (!fake.acceptRoot) {
        res.writeHead(401, { "content-type": "application/json" });
        return res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] }));
      }
      const held = fake.hold;
      if (held !== null && held.key === input.key) await held.until;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(fake.verdicts.get(input.key) ?? { valid: false, code: "NOT_FOUND" }));
      return;
    }
    if (req.url === "/v1/keys/usage" && req.method === "POST") {
      const { usage } = await body(req);
      if (!fake.acceptReports) return res.writeHead(500).end();
      fake.reports.push(usage);
      res.writeHead(202, { "content-type": "application/json" });
      res.end("{}");
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
