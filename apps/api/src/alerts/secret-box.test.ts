// Webhook secrets are sealed by @keyward/db's one secret box, in the dashboard and in the API alike;
// the sealing is bound to the company, so a sealed value copied to another tenant's rule does not open.
import { aesSecretBox, webhookSecretPurpose } from "@keyward/core";
import { describe, expect, it } from "vitest";

const key = Buffer.alloc(32, 3);
const purpose = webhookSecretPurpose("0190b7c4-0000-7000-8000-000000000000");

describe("webhook secret sealing", () => {
  it("opens what it sealed, under the same key and company", () => {
    const sealed = aesSecretBox(key).seal("whsec_dashboard_123456", purpose);
    expect(sealed).not.toContain("whsec");
    expect(aesSecretBox(key).unseal(sealed, purpose)).toBe("whsec_dashboard_123456");
  });

  it("another company's purpose, or another key, does not open it", () => {
    const sealed = aesSecretBox(key).seal("whsec_api_1234567890", purpose);
    expect(aesSecretBox(key).unseal(sealed, webhookSecretPurpose("another"))).toBeNull();
    expect(aesSecretBox(Buffer.alloc(32, 4)).unseal(sealed, purpose)).toBeNull();
  });
});
