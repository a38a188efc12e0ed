// Checks every journey runs on the pages it visits: accessibility (axe), browser errors and CSP
// violations, and numbered screenshots in artifacts/.
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { ARTIFACTS_DIR } from "./stack";

/** Zero serious or critical axe violations on the page as it is now. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `axe violations on ${label}`).toEqual([]);
}

/**
 * Nothing on the page scrolls sideways at its current width: neither the page itself nor any box in
 * it (a table in an overflow-x container counts, the issue being a phone user who must swipe to see
 * a column). Names the offending elements.
 */
export async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const offenders = await page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page (${root.scrollWidth} > ${root.clientWidth} px)`);
    for (const element of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      const overflowX = getComputedStyle(element).overflowX;
      if ((overflowX === "auto" || overflowX === "scroll") && element.scrollWidth > element.clientWidth + 1) {
        const id = element.dataset.testid ? `[data-testid=${element.dataset.testid}]` : "";
        found.push(`${element.tagName.toLowerCase()}${id} (${element.scrollWidth} > ${element.clientWidth} px)`);
      }
    }
    return found;
  });
  expect(offenders, `sideways scrolling on ${label}`).toEqual([]);
}

/**
 * The page as a 390 px phone shows it: nothing scrolls sideways, then `shoot` (a screenshot step)
 * runs, and the page goes back to its width.
 */
export async function atPhoneWidth(page: Page, label: string, shoot: () => Promise<void>): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSidewaysScroll(page, `${label} at 390 px`);
  await shoot();
  if (before) await page.setViewportSize(before);
}

/** Collects script errors and Content-Security-Policy violations; assert the array is empty at the end. */
export function watchBrowserErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content.Security.Policy|Refused to|hydrat/i.test(message.text())) {
      errors.push(message.text());
    }
  });
  return errors;
}

/** How many screenshots each journey has taken: numbering goes on across the tests of a file. */
const screenshotsTaken = new Map<string, number>();

/** `screenshot(page, "name")` writes artifacts/<journey>-NN-name.png, numbered in order. */
export function screenshots(journey: string): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    const step = (screenshotsTaken.get(journey) ?? 0) + 1;
    screenshotsTaken.set(journey, step);
    await page.screenshot({
      path: join(ARTIFACTS_DIR, `${journey}-${String(step).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  };
}

/** Polls `check` every 50 ms until it returns true, failing after `timeoutMs`; returns the milliseconds it took. */
export async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  await expect.poll(check, { timeout: timeoutMs, intervals: [50] }).toBe(true);
  return Date.now() - start;
}
