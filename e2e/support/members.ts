// Database helpers for journeys that need a member other than the first-run owner.
import { hashPassword } from "@keyward/auth-core";
import { setupFirstCompany } from "@keyward/core";
import { createDb, type Db } from "@keyward/db";
import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { stackUrl } from "./env";

export function openDatabase(): Db {
  return createDb(stackUrl("E2E_DATABASE_URL"), { maxConnections: 2 });
}

/** The first company (made by the first-run journey, or here when a journey runs alone) and a new member of it. */
export async function createMember(db: Db, email: string, password: string, role: "owner" | "admin" | "viewer") {
  const existing = await db.company.findFirst({ orderBy: { createdAt: "asc" } });
  const companyId =
    existing?.id ??
    (await setupFirstCompany(db, { company: "Acme", email: "owner@acme.test", password: "owner password 123" }))
      .companyId;
  const user = await db.user.create({ data: { email, passwordHash: await hashPassword(password) } });
  await db.membership.create({ data: { companyId, userId: user.id, role } });
  return { companyId, userId: user.id };
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/keys$/);
}
