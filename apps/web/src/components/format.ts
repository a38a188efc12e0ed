// Moments are shown by LocalTime (the reader's zone); this is the relative form of the lists.
/** "3 minutes ago", "in 30 days": for last-used and expiry columns. Days up to two months, so "in 30 days" stays exact. */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return "Never";
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const days = Math.abs(seconds) / 86_400;
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (days >= 365) return rtf.format(Math.round(seconds / 31_536_000), "year");
  if (days >= 60) return rtf.format(Math.round(seconds / 2_592_000), "month");
  if (days >= 1) return rtf.format(Math.round(seconds / 86_400), "day");
  if (Math.abs(seconds) >= 3_600) return rtf.format(Math.round(seconds / 3_600), "hour");
  if (Math.abs(seconds) >= 60) return rtf.format(Math.round(seconds / 60), "minute");
  return seconds < 0 ? "just now" : "in a moment";
}
