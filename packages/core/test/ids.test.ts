import { describe, expect, it } from "vitest";
import { isUuid } from "../src";

describe("isUuid", () => {
  it("takes any 8-4-4-4-12 hex string in either case, as a PostgreSQL uuid column does", () => {
    for (const id of [
      "0190f3c4-7b2a-7c1d-8e9f-0123456789ab",
      "0190F3C4-7B2A-7C1D-8E9F-0123456789AB",
      // No RFC 9562 version or variant bits: still a value the column takes.
      "00000000-0000-0000-0000-000000000001",
    ]) {
      expect(isUuid(id), id).toBe(true);
    }
  });

  it("refuses names and near misses", () => {
    for (const text of [
      "Acme",
      "",
      "0190f3c47b2a7c1d8e9f0123456789ab",
      "0190f3c4-7b2a-7c1d-8e9f-0123456789a",
      " 0190f3c4-7b2a-7c1d-8e9f-0123456789ab",
      "0190f3c4-7b2a-7c1d-8e9f-0123456789ag",
    ]) {
      expect(isUuid(text), text).toBe(false);
    }
  });
});
