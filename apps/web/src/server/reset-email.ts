import nodemailer from "nodemailer";
import { env } from "@/env";

/** Whether this installation can email reset links (SMTP_URL); without it the operator resets passwords. */
export function canEmailResets(): boolean {
  return Boolean(env.SMTP_URL);
}

/** Emails a reset link; a failure is logged, never shown (the answer must not depend on the account existing). */
export async function emailPasswordReset(to: string, resetUrl: string): Promise<void> {
  if (!env.SMTP_URL) return;
  const transport = nodemailer.createTransport(env.SMTP_URL);
  try {
    await transport.sendMail({
      from: env.ALERT_EMAIL_FROM,
      to,
      subject: "Reset your Keyward password",
      text: `Someone asked to reset the password of this Keyward account.\n\nChoose a new password within 30 minutes: ${resetUrl}\n\nThe link works once, and signs you out everywhere. If you did not ask, ignore this email: your password stays as it is.\n`,
    });
  } catch (error) {
    console.error("[password reset] email not sent:", (error as Error).message);
  } finally {
    transport.close();
  }
}
