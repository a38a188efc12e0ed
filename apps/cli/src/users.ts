// `keyward users reset-password`: the operator sets a user's password on the host, for a user who
// forgot theirs when the installation sends no email. `keyward users disable-2fa`: turns off the
// two-factor sign-in of a user who lost both their authenticator app and their recovery codes.
// Host access is the authority, like `operators grant`: nothing over the network can do this.
import { disableTwoFactorByEmail, setPasswordByEmail } from "@keyward/core";
import type { Command } from "commander";
import { withHostDatabase } from "./database";

export function registerUsersCommand(program: Command): void {
  const users = program.command("users").description("Dashboard users (on the database: host access, like setup)");

  users
    .command("reset-password")
    .description("Set a user's password (generated and printed once if omitted); signs them out everywhere")
    .requiredOption("--email <email>", "the user's email")
    .option("--password <password>", "the new password (at least 12 characters)")
    .action(async (opts: { email: string; password?: string }) => {
      const result = await withHostDatabase((db) => setPasswordByEmail(db, opts.email, opts.password));
      const sessions = result.revokedSessions === 1 ? "1 session" : `${result.revokedSessions} sessions`;
      process.stdout.write(
        [
          `Password of ${result.email} reset; ${sessions} signed out.`,
          ...(result.generatedPassword ? [`New password (generated, shown once): ${result.generatedPassword}`] : []),
          "",
        ].join("\n"),
      );
    });

  users
    .command("disable-2fa")
    .description(
      "Turn off a user's two-factor sign-in (authenticator app and recovery codes); the password alone signs in",
    )
    .requiredOption("--email <email>", "the user's email")
    .action(async (opts: { email: string }) => {
      const result = await withHostDatabase((db) => disableTwoFactorByEmail(db, opts.email));
      process.stdout.write(
        result.wasOn
          ? `Two-factor sign-in of ${result.email} turned off; their password alone signs in now.\n`
          : `Two-factor sign-in of ${result.email} was not on; nothing changed.\n`,
      );
    });
}
