// The dashboard seals webhook secrets with @keyward/db's aesSecretBox and the API opens them with
// auth/encryption.ts: the two must agree on the format, or a rule saved in the dashboard never delivers.
import { aesSecretBox, webhookSecretPurpose } from "@keyward/db";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secret-box";

const key = Buffer.alloc(32, 3);
const purpose = webhookSecretPurpose("0190b7c4-0000-7000-8000-000000000000");

describe("webhook secret sealing", () => {
  it("the API opens what the dashboard sealed, and the other way round", () => {
    expect(createSecretBox(key).unseal(aesSecretBox(key).seal("whsec_dashboard_123456", purpose), purpose)).toBe(
      "whsec_dashboard_123456",
    );
    expect(aesSecretBox(key).unseal(createSecretBox(key).seal("whsec_api_1234567890", purpose), purpose)).toBe(
      "whsec_api_1234567890",
    );
  });

  it("another company's purpose does not open it", () => {
    const sealed = createSecretBox(key).seal("whsec_api_1234567890", purpose);
    expect(createSecretBox(key).unseal(sealed, webhookSecretPurpose("another"))).toBeNull();
  });
});
