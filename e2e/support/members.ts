// Members for journeys that need one other than the first-run owner, and signing in as them.
import { hashPassword } from "@keyward/auth-core";
import { type CreateKeyInput, createKey, type Role, setupFirstCompany } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";

/** The first company (made by the first-run journey, or here when a journey runs alone) and a new member of it. */
export async function createMember(db: Db, email: string, password: string, role: Role) {
  const existing = await db.company.findFirst({ orderBy: { createdAt: "asc" } });
  const companyId =
    existing?.id ??
    (await setupFirstCompany(db, { company: "Acme", email: "owner@acme.test", password: "owner password 123" }))
      .companyId;
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(password) } });
  await db.membership.create({ data: { companyId, userId: user.id, role } });
  return { companyId, userId: user.id };
}

/** An admin of the first company and a key they created: where the key journeys start. */
export async function createAdminWithKey(db: Db, email: string, password: string, key: CreateKeyInput) {
  const { companyId, userId } = await createMember(db, email, password, "admin");
  const created = await createKey(db, companyId, key, { type: "user", id: userId });
  return { companyId, userId, ...created };
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/keys$/);
}

/**
 * Submits the login form and waits for the server's answer, so each check sees this attempt's
 * message (logIn, by contrast, expects to land on /keys).
 */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  // The previous attempt's transition must be over first: when it ends, React resets the form, which
  // would clear a password typed in the meantime (the button reads "Signing in…" until then).
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  // A fill made before React hydrates the form can be reset by hydration: check it held.
  await expect(page.getByLabel("Password")).toHaveValue(password);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}
