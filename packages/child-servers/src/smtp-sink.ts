// A real SMTP server on a loopback port that hands each mail it accepts to the caller: the API's alert
// tests keep them in memory, the e2e journeys write them to files for other processes to read. Its
// own entry point (not index.ts), so only those who start one load smtp-server.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** The envelope's recipients. */
  to: string[];
  /** The message as sent, headers and body (quoted-printable, as the sender encoded it). */
  raw: string;
}

/** Accepts every mail (no auth, no TLS: loopback only) and passes it to `onMail`. */
export async function startSmtpSink(
  onMail: (mail: ReceivedMail) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (raw += chunk));
      stream.on("end", () => {
        onMail({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
