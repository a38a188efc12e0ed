// What `pnpm start` does with the database, alone: serve the embedded database of a data folder
// (address in <dataDir>/server.json), migrated, until SIGTERM. Run by embedded-server.ts.
import { startEmbeddedDatabase } from "@keyward/db/embedded";
import { migrate } from "@keyward/db/migrate";

const [dataDir, port] = process.argv.slice(2) as [string, string];
const database = await startEmbeddedDatabase({ dataDir, port: Number(port) });
await migrate(database.url);
process.stdout.write(`READY ${database.url}\n`);
process.once("SIGTERM", () => {
  void database.stop().then(() => process.exit(0));
});
