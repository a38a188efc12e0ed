// Dashboard roles (docs/api.md#scopes). Their one list is the database's `Role` enum (schema.prisma); the API's
// claims, the dashboard and these schemas all read it from here.
import { Role } from "@keyward/db";
import { z } from "zod";

export type { Role };

/** owner, admin, viewer: most powerful first, in the order schema.prisma declares them. */
export const ROLES = Object.values(Role) as [Role, ...Role[]];

export const roleSchema = z.enum(ROLES, { error: "Choose owner, admin or viewer" });
