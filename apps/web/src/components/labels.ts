// The dashboard's words for the environments and roles core declares. Each record is keyed by
// core's type, so a new environment or role does not compile until it has its words here. Types
// only from the packages: client components import this module too.
import type { Environment } from "@keyward/auth-core";
import type { Role } from "@keyward/core";

export const ENVIRONMENT_LABEL: Record<Environment, string> = { live: "Live", test: "Test" };

/** Every environment, in core's order (live, test): the record above has exactly one entry each. */
export const ENVIRONMENT_OPTIONS = Object.keys(ENVIRONMENT_LABEL) as Environment[];

/** A role in a badge, a list or a menu. */
export const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", viewer: "Viewer" };

/** A role in a sentence: "You are invited as an admin." */
export const ROLE_IN_SENTENCE: Record<Role, string> = { owner: "an owner", admin: "an admin", viewer: "a viewer" };
