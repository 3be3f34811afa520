import type { HospitalResolvers } from '../__generated__/resolvers-types.js';
import { parsePage } from '#platform/pagination.js';

/** The directory's Hospital, with this subgraph's records. */
export const Hospital: HospitalResolvers = {
  __resolveReference: ({ code }) => ({ code }),
  procurementRecords: (hospital, page, { repo }) => repo.findProcurementRecordsOfHospital(hospital.code, parsePage(page)),
};
