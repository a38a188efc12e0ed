// The session is Next's (its cookies and request cache): a test that calls vi.mock("@/server/session")
// gets these stand-ins instead, and says per test who is signed in (vi.mocked(currentMember)…).
import { vi } from "vitest";
import type * as session from "../session";

export const currentMember = vi.fn<typeof session.currentMember>();
export const currentUserIsOperator = vi.fn<typeof session.currentUserIsOperator>();
export const sessionRefusal = vi.fn<typeof session.sessionRefusal>();
export const SUSPENDED_MESSAGE = "This company is suspended.";
