-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "disabled_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "sources" ADD COLUMN     "assertion_secret_encrypted" TEXT,
ADD COLUMN     "jwks_url" TEXT,
ADD COLUMN     "rate_limit" INTEGER;

-- AlterTable
ALTER TABLE "destinations" ADD COLUMN     "peer_options" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "secrets_encrypted" TEXT;

-- CreateTable
CREATE TABLE "source_keys" (
    "id" UUID NOT NULL,
    "source_id" UUID NOT NULL,
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "jwk" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "source_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_credentials" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),

    CONSTRAINT "admin_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_entries" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "list" TEXT NOT NULL,
    "npi" TEXT NOT NULL,
    "direct_address" TEXT NOT NULL,
    "name" TEXT,
    "organization_name" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "directory_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "org_id" UUID NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "detail" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "source_keys_source_id_kid_key" ON "source_keys"("source_id", "kid");

-- CreateIndex
CREATE UNIQUE INDEX "admin_credentials_client_id_key" ON "admin_credentials"("client_id");

-- CreateIndex
CREATE INDEX "admin_credentials_org_id_idx" ON "admin_credentials"("org_id");

-- CreateIndex
CREATE INDEX "directory_entries_org_id_npi_idx" ON "directory_entries"("org_id", "npi");

-- CreateIndex
CREATE INDEX "directory_entries_org_id_direct_address_idx" ON "directory_entries"("org_id", "direct_address");

-- CreateIndex
CREATE UNIQUE INDEX "directory_entries_org_id_list_npi_direct_address_key" ON "directory_entries"("org_id", "list", "npi", "direct_address");

-- CreateIndex
CREATE INDEX "audit_events_org_id_created_at_idx" ON "audit_events"("org_id", "created_at");

-- AddForeignKey
ALTER TABLE "source_keys" ADD CONSTRAINT "source_keys_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admin_credentials" ADD CONSTRAINT "admin_credentials_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_entries" ADD CONSTRAINT "directory_entries_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
