"use server";

import { revokeSessions } from "@keyward/core";
import { auth, signOut } from "@/auth";
import { getDb } from "@/server/db";

/** Ends this browser's server-side session too, so a copy of its cookie is worth nothing. */
export async function logout(): Promise<void> {
  const user = (await auth())?.user;
  if (user?.id && user.sessionId) await revokeSessions(await getDb(), user.id, { only: user.sessionId });
  await signOut({ redirectTo: "/login" });
}
