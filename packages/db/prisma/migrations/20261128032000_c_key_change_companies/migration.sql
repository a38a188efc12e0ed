-- SDK key-change stream (issue 15): a company key's change names its company, so a company's stream
-- replays only its own keys' changes. Null for user sessions and operator keys, which are never
-- streamed. No foreign key: a deleted company's changes are logged in the transaction that deletes it.

-- AlterTable
ALTER TABLE "key_changes" ADD COLUMN "company_id" UUID;

-- CreateIndex
CREATE INDEX "key_changes_company_id_created_at_idx" ON "key_changes"("company_id", "created_at");
