// Real receivers for the alert tests: an HTTP server that checks each webhook's signature with
// node:crypto exactly as a customer would, and a local SMTP server (child-servers' smtp-sink) that keeps every mail.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ReceivedMail, startSmtpSink as startMailSink } from "@keyward/child-servers/smtp-sink";
import { afterAll, beforeAll } from "vitest";

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Record<string, unknown> & { id: string; test: boolean; rule: { id: string; kind: string } };
  /** The signature recomputed here over `t.body` with the shared secret matched the header. */
  verified: boolean;
  status: number;
}

/** `t=<unix>,v1=<hex>` checked with HMAC-SHA256 over "<t>.<raw body>", constant-time. */
export function checkSignature(header: string | undefined, body: string, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) return false;
  if (Math.abs(Date.now() / 1000 - Number(match[1])) > 300) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${match[1]}.${body}`).digest("hex"));
  const given = Buffer.from(match[2]);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answer the next `n` requests to `path` with `status` (to exercise retries). */
  failNext(path: string, n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const failures = new Map<string, { n: number; status: number }>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      const failure = failures.get(path);
      const status = failure && failure.n > 0 ? failure.status : 204;
      if (failure && failure.n > 0) failure.n--;
      const header = req.headers["keyward-signature"];
      received.push({
        path,
        headers: req.headers,
        body,
        json: JSON.parse(body),
        verified: checkSignature(typeof header === "string" ? header : undefined, body, secret),
        status,
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext(path, n, status = 500) {
      failures.set(path, { n, status });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type { ReceivedMail };

export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const sink = await startMailSink((mail) => mails.push(mail));
  return { ...sink, mails };
}

export interface AlertReceivers {
  webhooks: WebhookReceiver;
  smtp: SmtpSink;
  /** What the API needs to reach both: the SMTP URL, and the webhook receiver's loopback host allowed. */
  env(): Record<string, string>;
  /** A rule's channels to both, told apart by `path`: a webhook to it, signed, and a mail to mailbox(path). */
  channels(path: string): unknown[];
  /** The mails the channels of `path` sent. */
  mailsTo(path: string): ReceivedMail[];
}

/**
 * Both receivers, signing webhooks with `secret`, for the file this is called in (its own
 * beforeAll/afterAll: call it before the API's hooks, so the API stops first). Read inside tests.
 */
export function useAlertReceivers(secret: string): AlertReceivers {
  let webhooks: WebhookReceiver;
  let smtp: SmtpSink;
  beforeAll(async () => {
    webhooks = await startWebhookReceiver(secret);
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await webhooks?.close();
    await smtp?.close();
  });
  const mailbox = (path: string) => `${path.slice(1)}@acme.test`;
  return {
    get webhooks() {
      return webhooks;
    },
    get smtp() {
      return smtp;
    },
    env: () => ({
      SMTP_URL: smtp.url,
      // The receiver is on loopback, which webhooks may reach only when the operator allows it.
      KEYWARD_WEBHOOK_ALLOW_HOSTS: new URL(webhooks.url).host,
    }),
    channels: (path) => [
      { type: "webhook", url: `${webhooks.url}${path}`, secret },
      { type: "email", to: [mailbox(path)] },
    ],
    mailsTo: (path) => smtp.mails.filter((m) => m.to.includes(mailbox(path))),
  };
}
