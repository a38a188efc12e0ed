/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
