-- CreateTable
CREATE TABLE "record" (
    "id" UUID NOT NULL,
    "hospital_code" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "record_hospital_code_id_idx" ON "record"("hospital_code", "id");

-- CreateIndex
CREATE INDEX "record_region_code_idx" ON "record"("region_code");
