// Emailed links take their origin from configuration only: a forged Host cannot reach them, since the
// request is not an input at all.
import { describe, expect, it } from "vitest";
import { linkOrigin } from "./link-origin";

describe("linkOrigin", () => {
  it("is KEYWARD_DASHBOARD_URL's origin when set (path and query dropped)", () => {
    expect(linkOrigin({ dashboardUrl: "https://keys.example.com/some/path?x=1", host: "0.0.0.0", port: 3000 })).toBe(
      "https://keys.example.com",
    );
  });
  it("else where the dashboard listens, a wildcard address read as localhost", () => {
    expect(linkOrigin({ host: "127.0.0.1", port: 4321 })).toBe("http://127.0.0.1:4321");
    expect(linkOrigin({ host: "0.0.0.0", port: 3000 })).toBe("http://localhost:3000");
    expect(linkOrigin({ host: "::1", port: 3000 })).toBe("http://[::1]:3000");
  });
});
