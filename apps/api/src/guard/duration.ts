// Token lifetimes as people write them; one parser for the guard, the CLI and the dashboard.
export { formatDuration, parseDuration } from "@keyward/db";
