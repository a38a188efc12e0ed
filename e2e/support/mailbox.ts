// A real SMTP server for the journeys (smtp-server, as apps/api/src/test/alert-receivers.ts): started
// by global-setup.ts for the dashboard's SMTP_URL, it writes each mail to a file in E2E_MAIL_DIR, so
// journeys (in other processes) read what the dashboard sent. Only journeys that look read it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "@playwright/test";
import { SMTPServer } from "smtp-server";

export async function startMailbox(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (raw += chunk));
      stream.on("end", () => {
        count += 1;
        const to = session.envelope.rcptTo.map((r) => r.address);
        writeFileSync(join(dir, `${Date.now()}-${count}.json`), JSON.stringify({ to, raw }));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The text of every mail sent to `to` so far, oldest first (quoted-printable decoded). */
export function mailsTo(to: string): string[] {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error("E2E_MAIL_DIR is not set: run the journeys with `pnpm test` in e2e/");
  return readdirSync(dir)
    .sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]))
    .map((file) => JSON.parse(readFileSync(join(dir, file), "utf8")) as { to: string[]; raw: string })
    .filter((mail) => mail.to.includes(to.toLowerCase()))
    .map((mail) =>
      mail.raw
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    );
}

/** Waits for the `n`th mail to `to` (1-based) and returns its text. */
export async function waitForMail(to: string, n = 1): Promise<string> {
  await expect
    .poll(() => mailsTo(to).length, { message: `mail ${n} to ${to}`, timeout: 15_000 })
    .toBeGreaterThanOrEqual(n);
  return mailsTo(to)[n - 1] ?? "";
}
