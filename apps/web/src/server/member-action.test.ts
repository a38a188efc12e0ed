import { KeywardError } from "@keyward/auth-core";
import type { SessionUser } from "@keyward/core";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { memberAction, refuse } from "@/server/member-action";
import { currentMember, currentUserIsOperator, sessionRefusal } from "@/server/session";

// The session, the database and the request are Next's and the dashboard's: stand-ins here.
vi.mock("@/server/session");
vi.mock("@/server/db", () => ({ getDb: async () => ({ stand: "db" }) }));
vi.mock("@/server/request-context");

const signedIn = vi.mocked(currentMember);
const operator = vi.mocked(currentUserIsOperator);
const refusal = vi.mocked(sessionRefusal);
const ADMIN = { id: "u1", email: "ada@example.com", companyId: "c1", role: "admin" } as SessionUser;
const VIEWER = { ...ADMIN, role: "viewer" } as SessionUser;
const canManage = (member: SessionUser) => member.role !== "viewer";

const renameSpec = { allowed: canManage, cannot: "rename things", input: z.strictObject({ name: z.string().min(1) }) };

describe("memberAction", () => {
  beforeEach(() => {
    signedIn.mockReset();
    operator.mockReset().mockResolvedValue(false);
    refusal.mockReset().mockResolvedValue("signed-out");
  });

  it("hands the change the parsed input, the member and their audit actor, and answers its result", async () => {
    signedIn.mockResolvedValue(ADMIN);
    const change = vi.fn(async () => ({ ok: true as const, message: "Renamed." }));
    const answer = await memberAction(renameSpec, change)({ name: "Acme" });
    expect(answer).toEqual({ ok: true, message: "Renamed." });
    expect(change).toHaveBeenCalledWith({
      input: { name: "Acme" },
      member: ADMIN,
      db: { stand: "db" },
      actor: { type: "user", id: "u1", ip: "203.0.113.7", userAgent: "vitest" },
    });
  });

  it("refuses an ended session before reading the input, in the spec's words when it has some", async () => {
    signedIn.mockResolvedValue(null);
    const change = vi.fn();
    expect(await memberAction(renameSpec, change)({ name: "" })).toEqual(
      refuse("Your session has ended. Sign in again."),
    );
    expect(await memberAction({ ...renameSpec, signedOut: "Sign in again to rename." }, change)({ name: "" })).toEqual(
      refuse("Sign in again to rename."),
    );
    expect(change).not.toHaveBeenCalled();
  });

  it("says the company is suspended when that is why the session has no member", async () => {
    signedIn.mockResolvedValue(null);
    refusal.mockResolvedValue("suspended");
    const change = vi.fn();
    expect(await memberAction(renameSpec, change)({ name: "Acme" })).toEqual(refuse("This company is suspended."));
    expect(change).not.toHaveBeenCalled();
  });

  it("audits a user acting by operator authority (not a member) as the operator", async () => {
    signedIn.mockResolvedValue({ ...ADMIN, role: "owner", viaOperator: true });
    const change = vi.fn(async () => ({ ok: true as const }));
    await memberAction(renameSpec, change)({ name: "Acme" });
    expect(change).toHaveBeenCalledWith(
      expect.objectContaining({ actor: { type: "operator", id: "u1", ip: "203.0.113.7", userAgent: "vitest" } }),
    );
  });

  it("an operator's change: refused to anyone not an operator, audited as the operator even in their own company", async () => {
    signedIn.mockResolvedValue(ADMIN);
    const change = vi.fn(async () => ({ ok: true as const }));
    const suspend = memberAction(
      { ...renameSpec, allowed: () => true, cannot: "suspend companies", operator: true },
      change,
    );
    expect(await suspend({ name: "Acme" })).toEqual(refuse("Only an operator of this Keyward can suspend companies."));
    expect(change).not.toHaveBeenCalled();
    operator.mockResolvedValue(true);
    expect(await suspend({ name: "Acme" })).toEqual({ ok: true });
    expect(change).toHaveBeenCalledWith(
      expect.objectContaining({ actor: expect.objectContaining({ type: "operator" }) }),
    );
  });

  it("refuses a role that may not make the change, by the role read for this request", async () => {
    signedIn.mockResolvedValue(VIEWER);
    const change = vi.fn();
    expect(await memberAction(renameSpec, change)({ name: "Acme" })).toEqual(
      refuse("Your role (viewer) cannot rename things."),
    );
    const explained = memberAction({ ...renameSpec, cannot: (role) => `Your role (${role}) only looks.` }, change);
    expect(await explained({ name: "Acme" })).toEqual(refuse("Your role (viewer) only looks."));
    expect(change).not.toHaveBeenCalled();
  });

  it("refuses input the schema rejects: field by field by default, or as the spec says", async () => {
    signedIn.mockResolvedValue(ADMIN);
    const change = vi.fn();
    const answer = await memberAction(renameSpec, change)({ name: "" });
    expect(answer).toMatchObject({ ok: false, error: "Check the highlighted fields." });
    expect(answer.ok ? null : Object.keys(answer.fieldErrors)).toEqual(["name"]);

    const unreadable = memberAction({ ...renameSpec, invalid: "Reload the page." }, change);
    expect(await unreadable({ name: "" })).toEqual(refuse("Reload the page."));
    const built = memberAction(
      { ...renameSpec, invalid: (e) => refuse("Pick one.", { name: e.issues[0]?.code }) },
      change,
    );
    expect(await built({ name: "" })).toEqual(refuse("Pick one.", { name: "too_small" }));
    expect(change).not.toHaveBeenCalled();
  });

  it("turns the services' refusals into the form's, under a field when the spec names one", async () => {
    signedIn.mockResolvedValue(ADMIN);
    const conflict = async () => {
      throw new KeywardError("CONFLICT", "That name is taken");
    };
    expect(await memberAction(renameSpec, conflict)({ name: "Acme" })).toEqual(refuse("That name is taken"));
    expect(await memberAction({ ...renameSpec, refusalField: "name" }, conflict)({ name: "Acme" })).toEqual(
      refuse("That name is taken", { name: "That name is taken" }),
    );
  });

  it("lets an unavailable database and unexpected errors through, for the error page", async () => {
    signedIn.mockResolvedValue(ADMIN);
    const unavailable = memberAction(renameSpec, async () => {
      throw new KeywardError("SERVICE_UNAVAILABLE");
    });
    await expect(unavailable({ name: "Acme" })).rejects.toThrow(KeywardError);
    const broken = memberAction(renameSpec, async () => {
      throw new Error("boom");
    });
    await expect(broken({ name: "Acme" })).rejects.toThrow("boom");
  });
});
