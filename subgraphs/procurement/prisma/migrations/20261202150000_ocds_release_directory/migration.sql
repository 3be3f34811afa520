-- AlterTable
ALTER TABLE "ocds_release" ADD COLUMN     "directory" JSONB NOT NULL DEFAULT '{}';
