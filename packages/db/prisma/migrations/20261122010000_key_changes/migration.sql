-- CreateTable
CREATE TABLE "key_changes" (
    "id" BIGSERIAL NOT NULL,
    "key_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "key_changes_created_at_idx" ON "key_changes"("created_at");
