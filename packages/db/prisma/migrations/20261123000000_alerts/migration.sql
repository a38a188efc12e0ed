-- Alerts (SPEC §6): once-only firing across replicas, counters shared by replicas, IPs seen per key.

-- CreateTable
CREATE TABLE "alert_incidents" (
    "rule_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "last_fired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_incidents_pkey" PRIMARY KEY ("rule_id","subject")
);

-- CreateTable
CREATE TABLE "alert_counters" (
    "rule_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "alert_counters_pkey" PRIMARY KEY ("rule_id","subject","bucket")
);

-- CreateTable
CREATE TABLE "key_ips" (
    "key_id" UUID NOT NULL,
    "ip" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_ips_pkey" PRIMARY KEY ("key_id","ip")
);

-- CreateIndex
CREATE INDEX "alert_deliveries_status_next_attempt_at_idx" ON "alert_deliveries"("status", "next_attempt_at");

-- AddForeignKey
ALTER TABLE "alert_incidents" ADD CONSTRAINT "alert_incidents_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_counters" ADD CONSTRAINT "alert_counters_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "key_ips" ADD CONSTRAINT "key_ips_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
