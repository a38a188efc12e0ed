// Token lifetimes as people write them: `24h`, `90m`, `7d`, `1h30m`, `3600s`; a bare number means hours.

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const PART = /(\d+(?:\.\d+)?)([smhd])/g;

/** Seconds, or null when the text is not a duration. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === "number") return Number.isFinite(text) && text > 0 ? Math.round(text * 3600) : null;
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return parseDuration(Number(trimmed));
  if (!/^(?:\d+(?:\.\d+)?[smhd])+$/.test(trimmed)) return null;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART))
    seconds += Number(amount) * (UNIT_SECONDS[unit as string] ?? 0);
  return seconds > 0 ? Math.round(seconds) : null;
}

/** `86400` → `24h`, for the start banner (days only from two days up, hours read better below). */
export function formatDuration(seconds: number): string {
  if (seconds >= 172_800 && seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
