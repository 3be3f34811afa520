-- CreateEnum
CREATE TYPE "TenderCategory" AS ENUM ('DRUG', 'CONSUMABLE', 'EQUIPMENT', 'CONSTRUCTION', 'SERVICE');

-- CreateEnum
CREATE TYPE "TenderMethod" AS ENUM ('OPEN_TENDERING', 'INVITED_TENDERING', 'COMPETITIVE_NEGOTIATION', 'COMPETITIVE_CONSULTATION', 'SINGLE_SOURCE', 'REQUEST_FOR_QUOTATION');

-- CreateTable
CREATE TABLE "ocds_release" (
    "ocid" VARCHAR(128) NOT NULL,
    "release_id" VARCHAR(128) NOT NULL,
    "date" TIMESTAMPTZ(3) NOT NULL,
    "tags" TEXT[],
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ocds_release_pkey" PRIMARY KEY ("ocid","release_id")
);

-- CreateTable
CREATE TABLE "tender" (
    "ocid" VARCHAR(128) NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "title" TEXT NOT NULL,
    "category" "TenderCategory" NOT NULL,
    "method" "TenderMethod" NOT NULL,
    "ocds_method" VARCHAR(16) NOT NULL,
    "method_details" TEXT,
    "award_criteria" VARCHAR(32),
    "budget" DECIMAL(18,2),
    "currency" CHAR(3) NOT NULL DEFAULT 'CNY',
    "status" VARCHAR(16) NOT NULL,
    "classification" VARCHAR(16),
    "tender_start" TIMESTAMPTZ(3),
    "tender_end" TIMESTAMPTZ(3),
    "bid_opening" TIMESTAMPTZ(3),
    "award_date" TIMESTAMPTZ(3),
    "contract_date" TIMESTAMPTZ(3),
    "number_of_tenderers" INTEGER,
    "month" CHAR(7) NOT NULL,
    "release_date" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tender_pkey" PRIMARY KEY ("ocid")
);

-- CreateTable
CREATE TABLE "lot" (
    "ocid" VARCHAR(128) NOT NULL,
    "lot_id" VARCHAR(128) NOT NULL,
    "title" TEXT,
    "value" DECIMAL(18,2),
    "status" VARCHAR(16),

    CONSTRAINT "lot_pkey" PRIMARY KEY ("ocid","lot_id")
);

-- CreateTable
CREATE TABLE "bid" (
    "key" VARCHAR(257) NOT NULL,
    "ocid" VARCHAR(128) NOT NULL,
    "bid_id" VARCHAR(128) NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "lot_id" VARCHAR(128),
    "tenderer_usccs" TEXT[],
    "amount" DECIMAL(18,2),
    "currency" CHAR(3) NOT NULL DEFAULT 'CNY',
    "received_at" TIMESTAMPTZ(3),
    "status" VARCHAR(16) NOT NULL,
    "disqualify_reason" TEXT,
    "month" CHAR(7) NOT NULL,

    CONSTRAINT "bid_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "committee_member" (
    "ocid" VARCHAR(128) NOT NULL,
    "member_id" VARCHAR(128) NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "staff_id" UUID,
    "expert_name" TEXT,
    "role" VARCHAR(32),

    CONSTRAINT "committee_member_pkey" PRIMARY KEY ("ocid","member_id")
);

-- CreateTable
CREATE TABLE "award" (
    "key" VARCHAR(257) NOT NULL,
    "ocid" VARCHAR(128) NOT NULL,
    "award_id" VARCHAR(128) NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "lot_id" VARCHAR(128),
    "supplier_usccs" TEXT[],
    "value" DECIMAL(18,2),
    "currency" CHAR(3) NOT NULL DEFAULT 'CNY',
    "date" TIMESTAMPTZ(3),
    "status" VARCHAR(16) NOT NULL,
    "related_bids" TEXT[],
    "supplier_registered_on" DATE,
    "month" CHAR(7) NOT NULL,

    CONSTRAINT "award_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "contract" (
    "ocid" VARCHAR(128) NOT NULL,
    "contract_id" VARCHAR(128) NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "award_id" VARCHAR(128),
    "value" DECIMAL(18,2),
    "currency" CHAR(3) NOT NULL DEFAULT 'CNY',
    "date_signed" TIMESTAMPTZ(3),
    "status" VARCHAR(16),
    "amendments" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "contract_pkey" PRIMARY KEY ("ocid","contract_id")
);

-- CreateTable
CREATE TABLE "party" (
    "ocid" VARCHAR(128) NOT NULL,
    "party_id" VARCHAR(128) NOT NULL,
    "name" TEXT NOT NULL,
    "roles" TEXT[],
    "uscc" CHAR(18),
    "address" TEXT,
    "contact_name" TEXT,
    "telephone" VARCHAR(32),
    "email" TEXT,

    CONSTRAINT "party_pkey" PRIMARY KEY ("ocid","party_id")
);

-- CreateTable
CREATE TABLE "purchase_order_line" (
    "key" VARCHAR(80) NOT NULL,
    "order_no" VARCHAR(64) NOT NULL,
    "line_no" INTEGER NOT NULL,
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "product_code" VARCHAR(27) NOT NULL,
    "product_kind" VARCHAR(12) NOT NULL,
    "generic_group" VARCHAR(10) NOT NULL,
    "supplier_uscc" CHAR(18) NOT NULL,
    "manufacturer_uscc" CHAR(18),
    "quantity" DECIMAL(14,3) NOT NULL,
    "unit_price" DECIMAL(14,4) NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "ordered_at" TIMESTAMPTZ(3) NOT NULL,
    "vbp_selected" BOOLEAN NOT NULL,
    "listed_price" DECIMAL(14,4),
    "invoices" TEXT[],
    "month" CHAR(7) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "purchase_order_line_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "vbp_agreement" (
    "hospital_code" CHAR(18) NOT NULL,
    "region_code" CHAR(6) NOT NULL,
    "generic_group" VARCHAR(10) NOT NULL,
    "year" INTEGER NOT NULL,
    "agreed_quantity" DECIMAL(14,3) NOT NULL,

    CONSTRAINT "vbp_agreement_pkey" PRIMARY KEY ("hospital_code","generic_group","year")
);

-- CreateTable
CREATE TABLE "supplier_sanction" (
    "supplier_uscc" CHAR(18) NOT NULL,
    "kind" VARCHAR(24) NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "source" TEXT NOT NULL,
    "reference" TEXT,

    CONSTRAINT "supplier_sanction_pkey" PRIMARY KEY ("supplier_uscc","kind","valid_from")
);

-- CreateIndex
CREATE INDEX "tender_hospital_code_ocid_idx" ON "tender"("hospital_code", "ocid");

-- CreateIndex
CREATE INDEX "tender_region_code_month_idx" ON "tender"("region_code", "month");

-- CreateIndex
CREATE INDEX "tender_hospital_code_month_idx" ON "tender"("hospital_code", "month");

-- CreateIndex
CREATE INDEX "bid_hospital_code_ocid_idx" ON "bid"("hospital_code", "ocid");

-- CreateIndex
CREATE INDEX "bid_tenderer_usccs_idx" ON "bid" USING GIN ("tenderer_usccs");

-- CreateIndex
CREATE UNIQUE INDEX "bid_ocid_bid_id_key" ON "bid"("ocid", "bid_id");

-- CreateIndex
CREATE INDEX "committee_member_staff_id_idx" ON "committee_member"("staff_id");

-- CreateIndex
CREATE INDEX "award_hospital_code_ocid_idx" ON "award"("hospital_code", "ocid");

-- CreateIndex
CREATE INDEX "award_supplier_usccs_idx" ON "award" USING GIN ("supplier_usccs");

-- CreateIndex
CREATE UNIQUE INDEX "award_ocid_award_id_key" ON "award"("ocid", "award_id");

-- CreateIndex
CREATE INDEX "contract_hospital_code_ocid_idx" ON "contract"("hospital_code", "ocid");

-- CreateIndex
CREATE INDEX "purchase_order_line_hospital_code_month_idx" ON "purchase_order_line"("hospital_code", "month");

-- CreateIndex
CREATE INDEX "purchase_order_line_product_code_ordered_at_idx" ON "purchase_order_line"("product_code", "ordered_at");

-- CreateIndex
CREATE INDEX "purchase_order_line_supplier_uscc_idx" ON "purchase_order_line"("supplier_uscc");

-- CreateIndex
CREATE UNIQUE INDEX "purchase_order_line_order_no_line_no_key" ON "purchase_order_line"("order_no", "line_no");


