import type { CommitteeMemberResolvers, CommitteeSeatResolvers } from '../__generated__/resolvers-types.js';

export const CommitteeMember: CommitteeMemberResolvers = {
  id: (m) => m.memberId,
  staff: (m) => (m.staffId ? { id: m.staffId } : null),
};

export const CommitteeSeat: CommitteeSeatResolvers = {
  tender: (m, _, { loaders }) => loaders.tenderByOcid.load(m.ocid).then((t) => t!),
};
