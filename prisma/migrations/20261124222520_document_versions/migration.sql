-- CreateTable
CREATE TABLE "document_versions" (
    "org_id" UUID NOT NULL,
    "document_id" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "set_id" TEXT NOT NULL,
    "version_number" INTEGER NOT NULL,
    "last_document_id" TEXT NOT NULL,
    "last_message_id" UUID NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "document_versions_pkey" PRIMARY KEY ("org_id","document_id","recipient")
);
