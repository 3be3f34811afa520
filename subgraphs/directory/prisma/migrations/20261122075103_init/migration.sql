-- CreateEnum
CREATE TYPE "RegionLevel" AS ENUM ('PROVINCE', 'CITY', 'DISTRICT');

-- CreateEnum
CREATE TYPE "HospitalLevel" AS ENUM ('LEVEL_1', 'LEVEL_2', 'LEVEL_3', 'UNRATED');

-- CreateEnum
CREATE TYPE "Ownership" AS ENUM ('PUBLIC', 'PRIVATE');

-- CreateEnum
CREATE TYPE "HospitalType" AS ENUM ('GENERAL', 'TCM', 'SPECIALIST', 'MATERNAL_CHILD', 'PRIMARY');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('DOCTOR', 'NURSE', 'PHARMACIST', 'TECHNICIAN', 'ADMIN', 'LEADER');

-- CreateEnum
CREATE TYPE "SupplierKind" AS ENUM ('PHARMA', 'DEVICE', 'CONSUMABLE', 'CONSTRUCTION', 'SERVICE');

-- CreateEnum
CREATE TYPE "ProductKind" AS ENUM ('DRUG', 'CONSUMABLE');

-- CreateTable
CREATE TABLE "region" (
    "code" CHAR(6) NOT NULL,
    "name" TEXT NOT NULL,
    "level" "RegionLevel" NOT NULL,
    "parent_code" CHAR(6),
    "path" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "region_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "hospital" (
    "code" CHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "level" "HospitalLevel" NOT NULL,
    "grade" VARCHAR(2),
    "ownership" "Ownership" NOT NULL,
    "type" "HospitalType" NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "address" TEXT,
    "bed_count" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hospital_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "department" (
    "id" UUID NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "specialty" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "department_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff" (
    "id" UUID NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "department_id" UUID,
    "employee_no" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "id_card_number" CHAR(18) NOT NULL,
    "phone" VARCHAR(11),
    "role" "StaffRole" NOT NULL,
    "title" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "supplier" (
    "uscc" CHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SupplierKind" NOT NULL,
    "credit_rating" VARCHAR(2),
    "region_code" CHAR(6),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "supplier_pkey" PRIMARY KEY ("uscc")
);

-- CreateTable
CREATE TABLE "product" (
    "code" VARCHAR(27) NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ProductKind" NOT NULL,
    "specification" TEXT,
    "supplier_uscc" CHAR(18) NOT NULL,
    "vbp_selected" BOOLEAN NOT NULL DEFAULT false,
    "listed_price" DECIMAL(14,4),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "region_parent_code_idx" ON "region"("parent_code");

-- CreateIndex
CREATE INDEX "hospital_region_code_idx" ON "hospital"("region_code");

-- CreateIndex
CREATE INDEX "hospital_level_idx" ON "hospital"("level");

-- CreateIndex
CREATE INDEX "hospital_name_idx" ON "hospital"("name");

-- CreateIndex
CREATE INDEX "department_specialty_idx" ON "department"("specialty");

-- CreateIndex
CREATE UNIQUE INDEX "department_hospital_code_name_key" ON "department"("hospital_code", "name");

-- CreateIndex
CREATE UNIQUE INDEX "staff_id_card_number_key" ON "staff"("id_card_number");

-- CreateIndex
CREATE INDEX "staff_department_id_idx" ON "staff"("department_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_hospital_code_employee_no_key" ON "staff"("hospital_code", "employee_no");

-- CreateIndex
CREATE INDEX "supplier_name_idx" ON "supplier"("name");

-- CreateIndex
CREATE INDEX "product_supplier_uscc_idx" ON "product"("supplier_uscc");

-- CreateIndex
CREATE INDEX "product_name_idx" ON "product"("name");

-- AddForeignKey
ALTER TABLE "region" ADD CONSTRAINT "region_parent_code_fkey" FOREIGN KEY ("parent_code") REFERENCES "region"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hospital" ADD CONSTRAINT "hospital_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "region"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "department" ADD CONSTRAINT "department_hospital_code_fkey" FOREIGN KEY ("hospital_code") REFERENCES "hospital"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff" ADD CONSTRAINT "staff_hospital_code_fkey" FOREIGN KEY ("hospital_code") REFERENCES "hospital"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staff" ADD CONSTRAINT "staff_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supplier" ADD CONSTRAINT "supplier_region_code_fkey" FOREIGN KEY ("region_code") REFERENCES "region"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product" ADD CONSTRAINT "product_supplier_uscc_fkey" FOREIGN KEY ("supplier_uscc") REFERENCES "supplier"("uscc") ON DELETE RESTRICT ON UPDATE CASCADE;
