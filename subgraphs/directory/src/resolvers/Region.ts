import type { RegionResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';

export const Region: RegionResolvers = {
  __resolveReference: ({ code }, { loaders }) => loaders.regionByCode.load(code),
  parent: (region, _, { loaders }) => (region.parentCode ? loaders.regionByCode.load(region.parentCode) : null),
  children: (region, _, { loaders }) => loaders.childRegionsByCode.load(region.code),
  hospitals: (region, { filter, ...page }, { repo }) => repo.findHospitalsOfRegion(region.code, filter, parsePage(page)),
};
