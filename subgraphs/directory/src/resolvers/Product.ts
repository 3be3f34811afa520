import type { ProductResolvers } from '../__generated__/resolvers-types.js';

export const Product: ProductResolvers = {
  __resolveReference: ({ code }, { loaders }) => loaders.productByCode.load(code),
  supplier: async (product, _, { loaders }) => (await loaders.supplierByUscc.load(product.supplierUscc))!,
  listedPrice: (product) => (product.listedPrice === null ? null : product.listedPrice.toFixed(4)),
};
