import type { PurchaseOrderResolvers } from '../__generated__/resolvers-types.js';

export const PurchaseOrder: PurchaseOrderResolvers = {
  __resolveReference: ({ orderNo, lineNo }, { loaders }) => loaders.purchaseByKey.load(`${orderNo}/${lineNo}`),
  hospital: (p) => ({ code: p.hospitalCode }),
  product: (p) => ({ code: p.productCode }),
  supplier: (p) => ({ uscc: p.supplierUscc }),
  manufacturer: (p) => (p.manufacturerUscc ? { uscc: p.manufacturerUscc } : null),
  quantity: (p) => p.quantity.toString(),
  unitPrice: (p) => p.unitPrice.toString(),
  amount: (p) => p.amount.toString(),
  listedPrice: (p) => p.listedPrice?.toString() ?? null,
  invoiceNumbers: (p) => p.invoices,
  flags: (p, _, { loaders }) => loaders.flagsByRef.load(`PurchaseOrderLine:${p.key}`),
};
