// The theme preference's cookie, shared by the root layout (reads it) and ThemeSelect (writes it).
export const THEME_COOKIE = "keyward-theme";
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** Anything but a known theme (absent, forged) is the system's. */
export const themeOf = (value: string | undefined): Theme =>
  THEMES.includes(value as Theme) ? (value as Theme) : "system";
