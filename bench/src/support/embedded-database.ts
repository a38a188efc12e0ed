// Child process: serves a fresh, migrated in-memory embedded database (PGlite) for one bench run.
// PGlite runs on the thread that owns it, so it gets a process of its own: in the runner's process it
// would compete with the load generator for the same core and slow down both.
import { createTestDatabase } from "@keyward/db/testing";

const database = await createTestDatabase({});
process.stdout.write(`${JSON.stringify({ url: database.url })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await database.drop();
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
// The runner closes our stdin when it exits for any reason, so the database never outlives it.
process.stdin.on("end", () => void stop());
process.stdin.resume();
