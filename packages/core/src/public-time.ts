/** How a time leaves the domain for the API and the dashboard: ISO 8601 UTC, and null stays null. */
export function isoOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
