-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "final_delivery_requested" BOOLEAN NOT NULL DEFAULT false;
