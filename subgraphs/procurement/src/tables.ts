// The procurement tables' columns, in the order of the migrations (rows are Cell arrays in this order):
// the one list the feeds, the seed, the flags' facts and the tests write and read. Bookkeeping timestamps
// (created_at, updated_at) are left to their defaults unless a writer adds them (FEED_TIMESTAMPS).
import type { Cell } from '#platform/db/bulk.js';

/** The tables an OCDS record (a contracting process) is mapped to. */
export const PROCESS_TABLES = {
  tender: [
    'ocid',
    'hospital_code',
    'region_code',
    'title',
    'category',
    'method',
    'ocds_method',
    'method_details',
    'award_criteria',
    'budget',
    'currency',
    'status',
    'classification',
    'tender_start',
    'tender_end',
    'bid_opening',
    'award_date',
    'contract_date',
    'number_of_tenderers',
    'month',
    'release_date',
  ],
  lot: ['ocid', 'lot_id', 'title', 'value', 'status'],
  bid: [
    'key',
    'ocid',
    'bid_id',
    'hospital_code',
    'region_code',
    'lot_id',
    'tenderer_usccs',
    'amount',
    'currency',
    'received_at',
    'status',
    'disqualify_reason',
    'month',
  ],
  committee_member: ['ocid', 'member_id', 'hospital_code', 'region_code', 'staff_id', 'expert_name', 'role'],
  award: [
    'key',
    'ocid',
    'award_id',
    'hospital_code',
    'region_code',
    'lot_id',
    'supplier_usccs',
    'value',
    'currency',
    'date',
    'status',
    'related_bids',
    'supplier_registered_on',
    'month',
  ],
  contract: ['ocid', 'contract_id', 'hospital_code', 'region_code', 'award_id', 'value', 'currency', 'date_signed', 'status', 'amendments'],
  party: ['ocid', 'party_id', 'name', 'roles', 'uscc', 'address', 'contact_name', 'telephone', 'email'],
} as const satisfies Record<string, readonly string[]>;

export type ProcessTable = keyof typeof PROCESS_TABLES;

/** The tables fed row by row (and seeded), beside the process tables. */
export const FED_TABLES = {
  ocds_release: ['ocid', 'release_id', 'date', 'tags', 'body', 'directory'],
  purchase_order_line: [
    'key',
    'order_no',
    'line_no',
    'hospital_code',
    'region_code',
    'product_code',
    'product_kind',
    'generic_group',
    'supplier_uscc',
    'manufacturer_uscc',
    'quantity',
    'unit_price',
    'amount',
    'ordered_at',
    'vbp_selected',
    'listed_price',
    'invoices',
    'month',
  ],
  vbp_agreement: ['hospital_code', 'region_code', 'generic_group', 'year', 'agreed_quantity'],
  supplier_sanction: ['supplier_uscc', 'kind', 'valid_from', 'valid_to', 'source', 'reference'],
} as const satisfies Record<string, readonly string[]>;

/** Every procurement table's columns. */
export const TABLES = { ...PROCESS_TABLES, ...FED_TABLES };
export type Table = keyof typeof TABLES;

/** A feed's bookkeeping: created on insert only, updated whenever the row changes (FeedTable insertOnly / touch). */
export const FEED_TIMESTAMPS = ['created_at', 'updated_at'] as const;
export type ProcessRows = Record<ProcessTable, Cell[][]>;
