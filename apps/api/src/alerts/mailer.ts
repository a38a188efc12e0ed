// Email alerts over SMTP (SMTP_URL), through nodemailer. Without SMTP_URL there is no mailer:
// the API refuses email channels when a rule is saved, and an attempt that finds none fails for good.

import type { AlertPayload } from "@keyward/core";
import nodemailer from "nodemailer";

export interface AlertMailer {
  send(to: string[], payload: AlertPayload): Promise<void>;
  close(): void;
}

export function createAlertMailer(smtpUrl: string, from: string): AlertMailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(to, payload) {
      const lines = [
        payload.summary,
        "",
        `Rule: ${payload.rule.name} (${payload.rule.kind})`,
        payload.key ? `Key: ${payload.key.name} (id ${payload.key.id}, fingerprint ${payload.key.fingerprint})` : null,
        `Count: ${payload.count}`,
        `Window: ${payload.window.start} to ${payload.window.end}`,
        payload.ip ? `IP: ${payload.ip}` : null,
        payload.expiresAt ? `Expires: ${payload.expiresAt}` : null,
        `Alert id: ${payload.id}`,
      ].filter((l): l is string => l !== null);
      await transport.sendMail({
        from,
        to,
        subject: `[Keyward] ${payload.summary}`.slice(0, 200),
        text: `${lines.join("\n")}\n\n${JSON.stringify(payload, null, 2)}\n`,
        headers: { "X-Keyward-Alert-Id": payload.id },
      });
    },
    close: () => transport.close(),
  };
}
