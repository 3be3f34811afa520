/**
 * Feed kind `orders` — purchase-order lines exported by the provincial platform (阳光采购平台, seed 002;
 * 004 item 13: buy on the platform, selected products first). One CSV row per order line; the canonical
 * header is the English one below (order free), and the platform's Chinese header names are accepted
 * for each column (ORDER_ALIASES). Columns and rules are listed in the README ("Procurement — Feeds").
 */
import { arrayLiteral, type Cell } from '#platform/db/bulk.js';
import { multiplyDecimals } from '#platform/decimal.js';
import type { FeedKind, FeedRunContext, Prepared, SourceRecord } from '#platform/feed/types.js';
import { monthOf } from '#platform/period.js';
import { genericGroup } from '#platform/validation/product-code.js';
import { boolean, cell, decimal, instant, integer, productCode, remembered, required, uscc, type Parsed } from './csv-values.js';
import { HOSPITAL_SELECTION, lookupByKey, PRODUCT_SELECTION, regionOf, supplierOf } from './lookups.js';
import { FED_TABLES, FEED_TIMESTAMPS } from '../tables.js';

export const ORDER_COLUMNS = [
  'order_no',
  'line_no',
  'hospital_code',
  'product_code',
  'supplier_uscc',
  'manufacturer_uscc',
  'quantity',
  'unit_price',
  'ordered_at',
  'vbp_selected',
  'listed_price',
  'invoice_numbers',
];

/** The Chinese header of the platform's export, accepted for each column. */
export const ORDER_ALIASES: Record<string, string> = {
  order_no: '订单号',
  line_no: '行号',
  hospital_code: '医疗机构代码',
  product_code: '医保编码',
  supplier_uscc: '配送企业代码',
  manufacturer_uscc: '生产企业代码',
  quantity: '数量',
  unit_price: '单价',
  ordered_at: '下单时间',
  vbp_selected: '集采中选',
  listed_price: '挂网价',
  invoice_numbers: '发票号',
};

const TABLE_COLUMNS = [...FED_TABLES.purchase_order_line, ...FEED_TIMESTAMPS];

interface OrderLine {
  orderNo: string;
  lineNo: number;
  hospital: string;
  product: string;
  supplier: string;
  manufacturer: string | null;
  quantity: string;
  unitPrice: string;
  orderedAt: Date;
  vbpSelected: boolean;
  listedPrice: string | null;
  invoices: string[];
}

const optionalDecimal = (value: string): Parsed<string | null> =>
  value === '' ? { ok: true, value: null } : decimal(value, 'listed_price', 14, 4);

const get = (row: unknown, column: string) => cell(row, column, ORDER_ALIASES);
const v = <T>(x: Parsed<T>) => (x as { ok: true; value: T }).value;
const OPTIONAL = { optional: true };
const POSITIVE = { positive: true };

/** The fields of one row, or the first bad cell. (Called per line: no closures are made in it.) */
export function parseOrderLine(row: unknown): Parsed<OrderLine> {
  const p = {
    orderNo: required(get(row, 'order_no'), 'order_no', 64),
    lineNo: integer(get(row, 'line_no'), 'line_no', 1, 2_147_483_647),
    hospital: uscc(get(row, 'hospital_code'), 'hospital_code'),
    product: productCode(get(row, 'product_code'), 'product_code'),
    supplier: uscc(get(row, 'supplier_uscc'), 'supplier_uscc'),
    manufacturer: uscc(get(row, 'manufacturer_uscc'), 'manufacturer_uscc', OPTIONAL),
    quantity: decimal(get(row, 'quantity'), 'quantity', 14, 3, POSITIVE),
    unitPrice: decimal(get(row, 'unit_price'), 'unit_price', 14, 4),
    orderedAt: instant(get(row, 'ordered_at'), 'ordered_at'),
    vbpSelected: boolean(get(row, 'vbp_selected'), 'vbp_selected'),
    listedPrice: optionalDecimal(get(row, 'listed_price')),
  };
  for (const part of Object.values(p)) if (!part.ok) return part;
  const invoices: string[] = [];
  for (const s of get(row, 'invoice_numbers').split('|')) {
    const number = s.trim();
    if (number !== '') invoices.push(number);
  }
  return {
    ok: true,
    value: {
      orderNo: v(p.orderNo),
      lineNo: v(p.lineNo),
      hospital: v(p.hospital)!,
      product: v(p.product).code,
      supplier: v(p.supplier)!,
      manufacturer: v(p.manufacturer),
      quantity: v(p.quantity),
      unitPrice: v(p.unitPrice),
      orderedAt: v(p.orderedAt),
      vbpSelected: v(p.vbpSelected),
      listedPrice: v(p.listedPrice),
      invoices,
    },
  };
}

type Lookups = Record<'hospitals' | 'suppliers' | 'products', Map<string, Record<string, unknown>>>;

const reject = (code: string, field: string, message: string): Prepared => ({
  ok: false,
  error: { code, field, message: `${field}: ${message}` },
});
const unknownSupplier = (column: string, code: string) => reject('UNKNOWN_SUPPLIER', column, `${code} is not a directory supplier`);
const groupOf = remembered(genericGroup);

/** `now`: the batch's timestamp, as text once for all its rows. */
function orderRow(line: OrderLine, found: Lookups, now: string): Prepared {
  const region = regionOf(found.hospitals.get(line.hospital));
  if (!region) return reject('UNKNOWN_HOSPITAL', 'hospital_code', `${line.hospital} is not a directory hospital`);
  const product = found.products.get(line.product);
  if (!product) return reject('UNKNOWN_PRODUCT', 'product_code', `${line.product} is not a directory product`);
  if (!found.suppliers.has(line.supplier)) return unknownSupplier('supplier_uscc', line.supplier);
  if (line.manufacturer !== null && !found.suppliers.has(line.manufacturer)) return unknownSupplier('manufacturer_uscc', line.manufacturer);
  const maker = supplierOf(product);
  if (line.manufacturer !== null && maker !== null && line.manufacturer !== maker) {
    return reject('MANUFACTURER', 'manufacturer_uscc', `the directory's manufacturer of ${line.product} is ${maker}`);
  }
  const row: Cell[] = [
    `${line.orderNo}/${line.lineNo}`,
    line.orderNo,
    line.lineNo,
    line.hospital,
    region,
    line.product,
    String(product['kind']),
    groupOf(line.product),
    line.supplier,
    line.manufacturer ?? maker,
    line.quantity,
    line.unitPrice,
    multiplyDecimals(line.quantity, line.unitPrice, 2),
    line.orderedAt,
    line.vbpSelected,
    line.listedPrice,
    arrayLiteral(line.invoices),
    monthOf(line.orderedAt),
    now,
    now,
  ];
  return { ok: true, rows: { purchase_order_line: row } };
}

async function prepare(records: SourceRecord[], ctx: FeedRunContext): Promise<Prepared[]> {
  const parsed = records.map((r) => parseOrderLine(r.value));
  const lines = parsed.flatMap((p) => (p.ok ? [p.value] : []));
  const [hospitals, suppliers, products] = await Promise.all([
    lookupByKey(
      ctx.peers,
      'Hospital',
      'code',
      lines.map((l) => l.hospital),
      HOSPITAL_SELECTION,
    ),
    lookupByKey(
      ctx.peers,
      'Supplier',
      'uscc',
      lines.flatMap((l) => (l.manufacturer ? [l.supplier, l.manufacturer] : [l.supplier])),
      'uscc',
    ),
    lookupByKey(
      ctx.peers,
      'Product',
      'code',
      lines.map((l) => l.product),
      PRODUCT_SELECTION,
    ),
  ]);
  const now = new Date().toISOString();
  return parsed.map((p) => (p.ok ? orderRow(p.value, { hospitals, suppliers, products }, now) : p));
}

export const ordersFeed: FeedKind = {
  kind: 'orders',
  description: '采购订单明细 (阳光采购平台导出) — purchase-order lines from the provincial platform',
  formats: ['csv'],
  csvColumns: ORDER_COLUMNS,
  csvAliases: ORDER_ALIASES,
  // Larger batches: fewer statements per line; memory still holds two batches (a few MB).
  batchSize: 5_000,
  // prepare reads no table of its own (only the directory): the next batch is prepared while one merges
  pipelined: true,
  tables: [
    {
      name: 'purchase_order_line',
      columns: TABLE_COLUMNS,
      key: ['order_no', 'line_no'],
      insertOnly: ['created_at'],
      touch: ['updated_at'],
    },
  ],
  prepare,
};
