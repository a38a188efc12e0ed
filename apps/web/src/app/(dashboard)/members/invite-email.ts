import nodemailer from "nodemailer";
import { env } from "@/env";

/**
 * Emails an invite link when SMTP_URL is set; false when it is not, or when sending failed (the
 * owner still has the link on screen to pass on). The link is the invite's only copy besides this mail.
 */
export async function emailInvite(to: string, inviteUrl: string, companyName: string): Promise<boolean> {
  if (!env.SMTP_URL) return false;
  const transport = nodemailer.createTransport(env.SMTP_URL);
  try {
    await transport.sendMail({
      from: env.ALERT_EMAIL_FROM,
      to,
      subject: `You are invited to ${companyName} on Keyward`,
      text: `You have been invited to join ${companyName} on Keyward.\n\nAccept within 7 days: ${inviteUrl}\n\nThe link works once. If you did not expect this, ignore this email.\n`,
    });
    return true;
  } catch (error) {
    console.error("[invite] email not sent:", (error as Error).message);
    return false;
  } finally {
    transport.close();
  }
}
