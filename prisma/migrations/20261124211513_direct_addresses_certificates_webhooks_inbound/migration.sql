-- CreateEnum
CREATE TYPE "DirectAddressKind" AS ENUM ('person', 'organization', 'machine');

-- CreateEnum
CREATE TYPE "CertificateUse" AS ENUM ('own', 'anchor', 'recipient');

-- CreateEnum
CREATE TYPE "WebhookKind" AS ENUM ('content', 'status');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'delivered', 'dead');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "MessageStatus" ADD VALUE 'processed';
ALTER TYPE "MessageStatus" ADD VALUE 'delivered';
ALTER TYPE "MessageStatus" ADD VALUE 'timed_out';
ALTER TYPE "MessageStatus" ADD VALUE 'received';
ALTER TYPE "MessageStatus" ADD VALUE 'quarantined';

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "quarantine_reason" TEXT,
ALTER COLUMN "payload" DROP NOT NULL;

-- CreateTable
CREATE TABLE "message_recipients" (
    "id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "status" "MessageStatus" NOT NULL,
    "remote_reply" TEXT,
    "detail" TEXT,
    "final_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "message_recipients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raw_messages" (
    "message_id" UUID NOT NULL,
    "data" BYTEA NOT NULL,
    "mail_from" TEXT NOT NULL,
    "rcpt_to" TEXT[],
    "remote_address" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "raw_messages_pkey" PRIMARY KEY ("message_id")
);

-- CreateTable
CREATE TABLE "inbound_items" (
    "id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "data_model" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "direct_addresses" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "kind" "DirectAddressKind" NOT NULL DEFAULT 'person',
    "display_name" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "direct_addresses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certificates" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "use" "CertificateUse" NOT NULL,
    "scope" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "subject_alt_names" TEXT[],
    "issuer" TEXT NOT NULL,
    "serial_number" TEXT NOT NULL,
    "not_before" TIMESTAMP(3) NOT NULL,
    "not_after" TIMESTAMP(3) NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "certificate_pem" TEXT NOT NULL,
    "private_key_encrypted" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "certificates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_destinations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "verification_token_encrypted" TEXT NOT NULL,
    "hmac_secret_encrypted" TEXT,
    "verified_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "webhook_destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_subscriptions" (
    "id" UUID NOT NULL,
    "webhook_destination_id" UUID NOT NULL,
    "kind" "WebhookKind" NOT NULL DEFAULT 'content',
    "data_models" TEXT[],
    "direct_addresses" TEXT[],
    "format" TEXT NOT NULL DEFAULT 'redox',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "webhook_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_destination_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "item_id" UUID,
    "event" JSONB,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "message_recipients_message_id_address_key" ON "message_recipients"("message_id", "address");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_items_message_id_position_key" ON "inbound_items"("message_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "direct_addresses_address_key" ON "direct_addresses"("address");

-- CreateIndex
CREATE INDEX "direct_addresses_org_id_idx" ON "direct_addresses"("org_id");

-- CreateIndex
CREATE INDEX "certificates_use_scope_idx" ON "certificates"("use", "scope");

-- CreateIndex
CREATE UNIQUE INDEX "certificates_org_id_use_scope_fingerprint_key" ON "certificates"("org_id", "use", "scope", "fingerprint");

-- CreateIndex
CREATE INDEX "webhook_destinations_org_id_idx" ON "webhook_destinations"("org_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_updated_at_idx" ON "webhook_deliveries"("status", "updated_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_message_id_idx" ON "webhook_deliveries"("message_id");

-- AddForeignKey
ALTER TABLE "message_recipients" ADD CONSTRAINT "message_recipients_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "raw_messages" ADD CONSTRAINT "raw_messages_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inbound_items" ADD CONSTRAINT "inbound_items_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "direct_addresses" ADD CONSTRAINT "direct_addresses_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_destinations" ADD CONSTRAINT "webhook_destinations_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_webhook_destination_id_fkey" FOREIGN KEY ("webhook_destination_id") REFERENCES "webhook_destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_destination_id_fkey" FOREIGN KEY ("webhook_destination_id") REFERENCES "webhook_destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "inbound_items"("id") ON DELETE CASCADE ON UPDATE CASCADE;
