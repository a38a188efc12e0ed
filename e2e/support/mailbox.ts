// A real SMTP server for the journeys (child-servers' smtp-sink, as the API's alert tests): started
// by global-setup.ts for the dashboard's SMTP_URL, it writes each mail to a file in E2E_MAIL_DIR, so
// journeys (in other processes) read what the dashboard sent. Only journeys that look read it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSmtpSink } from "@keyward/child-servers/smtp-sink";
import { expect } from "@playwright/test";

export async function startMailbox(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return startSmtpSink((mail) => {
    count += 1;
    writeFileSync(join(dir, `${Date.now()}-${count}.json`), JSON.stringify(mail));
  });
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
