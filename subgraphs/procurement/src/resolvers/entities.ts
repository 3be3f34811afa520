import type {
  HospitalPeriodResolvers,
  HospitalResolvers,
  ProductResolvers,
  StaffResolvers,
  SupplierResolvers,
} from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';

/** The directory's entities (owned there), with what procurement adds to them. */
export const Hospital: HospitalResolvers = {
  __resolveReference: ({ code }) => ({ code }),
  tenders: (h, { filter, ...page }, { repo }) => repo.findTendersOfHospital(h.code, filter, parsePage(page)),
  purchases: (h, { filter, ...page }, { repo }) => repo.findPurchasesOfHospital(h.code, filter, parsePage(page)),
  procurement: (h, { period }, { figures }) => figures.load({ hospitalCode: h.code, period }),
};

export const Supplier: SupplierResolvers = {
  __resolveReference: ({ uscc }) => ({ uscc }),
  bids: (s, page, { repo }) => repo.findBidsOfSupplier(s.uscc, parsePage(page)),
  awards: (s, page, { repo }) => repo.findAwardsOfSupplier(s.uscc, parsePage(page)),
  sanctions: (s, _, { loaders }) => loaders.sanctionsByUscc.load(s.uscc),
};

export const Product: ProductResolvers = {
  __resolveReference: ({ code }) => ({ code }),
  purchases: (p, page, { repo }) => repo.findPurchasesOfProduct(p.code, parsePage(page)),
};

export const Staff: StaffResolvers = {
  __resolveReference: ({ id }) => ({ id }),
  committeeSeats: (s, _, { loaders }) => loaders.seatsByStaff.load(s.id),
};

/** A hospital-period (owned by the integrity view): this domain's figures, many references in one statement. */
export const HospitalPeriod: HospitalPeriodResolvers = {
  __resolveReference: (ref) => ref,
  procurement: (hp, _, { figures }) => figures.load({ hospitalCode: hp.hospitalCode, period: hp.period }),
};
