-- HTTPS (issue 16): certificates obtained by ACME, the ACME account and the HTTP-01 challenges being
-- answered, shared by every process and replica of an installation.

-- CreateTable
CREATE TABLE "tls_certificates" (
    "name" TEXT NOT NULL,
    "certificate_pem" TEXT,
    "sealed_key" TEXT,
    "not_after" TIMESTAMPTZ(3),
    "ordering_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tls_certificates_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "acme_accounts" (
    "directory_url" TEXT NOT NULL,
    "sealed_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "acme_accounts_pkey" PRIMARY KEY ("directory_url")
);

-- CreateTable
CREATE TABLE "acme_challenges" (
    "token" TEXT NOT NULL,
    "key_authorization" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "acme_challenges_pkey" PRIMARY KEY ("token")
);
