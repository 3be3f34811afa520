-- AlterTable
ALTER TABLE "supplier" ADD COLUMN     "registered_on" DATE;
