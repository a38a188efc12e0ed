// The request is Next's: a test that calls vi.mock("@/server/request-context") gets this one instead.
import type * as context from "../request-context";

export const requestContext: typeof context.requestContext = async () => ({ ip: "203.0.113.7", userAgent: "vitest" });
