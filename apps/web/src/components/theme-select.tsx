"use client";
// The reader's theme: the system's (default), light or dark. Kept in a cookie, not localStorage, so
// the root layout renders html[data-theme] and the first paint is already in the chosen theme.
import { useState } from "react";
import { inputBase } from "@/components/styles";
import { THEME_COOKIE, THEMES, type Theme } from "@/components/theme";

const LABEL: Record<Theme, string> = { system: "System theme", light: "Light", dark: "Dark" };

export function ThemeSelect({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState(initial);
  const choose = (next: Theme) => {
    setTheme(next);
    document.documentElement.dataset.theme = next;
    // biome-ignore lint/suspicious/noDocumentCookie: a preference the server must read on the next request; the Cookie Store API is not in every browser.
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
  };
  return (
    <select
      aria-label="Theme"
      value={theme}
      onChange={(event) => choose(event.target.value as Theme)}
      className={`${inputBase} py-1 pr-8 text-xs`}
      data-testid="theme-select"
    >
      {THEMES.map((t) => (
        <option key={t} value={t}>
          {LABEL[t]}
        </option>
      ))}
    </select>
  );
}
