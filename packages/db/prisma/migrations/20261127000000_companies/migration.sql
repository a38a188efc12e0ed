-- Many companies (issue 13): suspension, operators, and the operator's own keys.

-- AlterTable
ALTER TABLE "companies" ADD COLUMN "suspended_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN "operator" BOOLEAN NOT NULL DEFAULT false;

-- The user `setup` created runs the installation.
UPDATE "users" SET "operator" = true
WHERE "id" = (SELECT "user_id" FROM "memberships" WHERE "role" = 'owner' ORDER BY "created_at" LIMIT 1);

-- CreateTable
CREATE TABLE "operator_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "hash" CHAR(64) NOT NULL,
    "start" TEXT NOT NULL,
    "scopes" TEXT[],
    "revoked_at" TIMESTAMPTZ(3),
    "created_by_user_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "operator_keys_hash_key" ON "operator_keys"("hash");
