/**
 * Why the guard cannot start: `usage` when its settings are wrong (the CLI exits 2), `refused` when the
 * world refuses (a port in use, no database; exit 1).
 */
export class GuardStartError extends Error {
  constructor(
    readonly kind: "usage" | "refused",
    message: string,
  ) {
    super(message);
  }
}
