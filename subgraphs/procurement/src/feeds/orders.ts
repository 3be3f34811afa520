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
import { boolean, cell, decimal, instant, integer, productCode, required, uscc, type Parsed } from './csv-values.js';
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

/** The fields of one row, or the first bad cell. */
export function parseOrderLine(row: unknown): Parsed<OrderLine> {
  const get = (column: string) => cell(row, column, ORDER_ALIASES);
  const listed = get('listed_price');
  const p = {
    orderNo: required(get('order_no'), 'order_no', 64),
    lineNo: integer(get('line_no'), 'line_no', 1, 2_147_483_647),
    hospital: uscc(get('hospital_code'), 'hospital_code'),
    product: productCode(get('product_code'), 'product_code'),
    supplier: uscc(get('supplier_uscc'), 'supplier_uscc'),
    manufacturer: uscc(get('manufacturer_uscc'), 'manufacturer_uscc', { optional: true }),
    quantity: decimal(get('quantity'), 'quantity', 14, 3, { positive: true }),
    unitPrice: decimal(get('unit_price'), 'unit_price', 14, 4),
    orderedAt: instant(get('ordered_at'), 'ordered_at'),
    vbpSelected: boolean(get('vbp_selected'), 'vbp_selected'),
    listedPrice: optionalDecimal(listed),
  };
  for (const part of Object.values(p)) if (!part.ok) return part;
  const v = <T>(x: Parsed<T>) => (x as { ok: true; value: T }).value;
  const invoices = get('invoice_numbers')
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');
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

function orderRow(line: OrderLine, found: Lookups, now: Date): Prepared {
  const reject = (code: string, field: string, message: string): Prepared => ({
    ok: false,
    error: { code, field, message: `${field}: ${message}` },
  });
  const region = regionOf(found.hospitals.get(line.hospital));
  if (!region) return reject('UNKNOWN_HOSPITAL', 'hospital_code', `${line.hospital} is not a directory hospital`);
  const product = found.products.get(line.product);
  if (!product) return reject('UNKNOWN_PRODUCT', 'product_code', `${line.product} is not a directory product`);
  for (const [column, code] of [
    ['supplier_uscc', line.supplier],
    ['manufacturer_uscc', line.manufacturer],
  ] as const) {
    if (code !== null && !found.suppliers.has(code)) return reject('UNKNOWN_SUPPLIER', column, `${code} is not a directory supplier`);
  }
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
    genericGroup(line.product),
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
  const now = new Date();
  return parsed.map((p) => (p.ok ? orderRow(p.value, { hospitals, suppliers, products }, now) : p));
}

export const ordersFeed: FeedKind = {
  kind: 'orders',
  description: '采购订单明细 (阳光采购平台导出) — purchase-order lines from the provincial platform',
  formats: ['csv'],
  csvColumns: ORDER_COLUMNS,
  csvAliases: ORDER_ALIASES,
  // Larger batches: fewer statements per line; memory still holds one batch (a few MB).
  batchSize: 5_000,
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
