-- DropIndex
DROP INDEX "product_supplier_uscc_idx";

-- DropIndex
DROP INDEX "staff_department_id_idx";

-- CreateIndex
CREATE INDEX "product_supplier_uscc_code_idx" ON "product"("supplier_uscc", "code");

-- CreateIndex
CREATE INDEX "staff_hospital_code_id_idx" ON "staff"("hospital_code", "id");

-- CreateIndex
CREATE INDEX "staff_department_id_id_idx" ON "staff"("department_id", "id");
