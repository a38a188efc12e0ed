"use client";

import type { StarterKeys } from "@keyward/core";
import { SecretReveal } from "@/components/secret-reveal";

/** A new company's two starter keys (setup, the Companies page), each secret shown once. */
export function StarterKeysReveal({ adminKey, readOnlyKey }: StarterKeys) {
  return (
    <>
      <SecretReveal
        label={`Admin key · ${adminKey.key.environment} · scope *`}
        secret={adminKey.secret}
        testId="admin-secret"
      />
      <SecretReveal
        label={`Read-only key · ${readOnlyKey.key.environment} · scope *:read`}
        secret={readOnlyKey.secret}
        testId="readonly-secret"
      />
    </>
  );
}
