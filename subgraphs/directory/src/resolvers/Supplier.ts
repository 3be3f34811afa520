import type { SupplierResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';

export const Supplier: SupplierResolvers = {
  __resolveReference: ({ uscc }, { loaders }) => loaders.supplierByUscc.load(uscc),
  registeredOn: (supplier) => supplier.registeredOn?.toISOString().slice(0, 10) ?? null,
  region: (supplier, _, { loaders }) => (supplier.regionCode ? loaders.regionByCode.load(supplier.regionCode) : null),
  products: (supplier, page, { repo }) => repo.findProductsOfSupplier(supplier.uscc, parsePage(page)),
};
