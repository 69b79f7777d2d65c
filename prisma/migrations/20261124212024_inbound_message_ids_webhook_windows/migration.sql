-- DropIndex
DROP INDEX "messages_rfc_message_id_key";

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "window_started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "messages_rfc_message_id_idx" ON "messages"("rfc_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "messages_org_id_direction_rfc_message_id_key" ON "messages"("org_id", "direction", "rfc_message_id");
