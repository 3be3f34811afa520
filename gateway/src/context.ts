import type { IncomingMessage } from 'node:http';
import type { Identity } from '../../subgraphs/shared/src/identity.js';
import type { Logger } from '../../subgraphs/shared/src/logger.js';
import type { Admitted } from './admission.js';
import { RequestAudit } from './audit.js';

export interface GatewayContext extends Admitted {
  requestId: string;
  log: Logger;
  identity: Identity;
  /** Filled from the subgraphs' reports while the plan runs; read by the audit plugin. */
  audit: RequestAudit;
}

/** The context of an admitted request (admission.ts decided who it is before Apollo ran). */
export function createGatewayContext(log: Logger, admitted: (req: IncomingMessage) => Admitted | undefined) {
  return async (req: IncomingMessage, requestId: string): Promise<GatewayContext> => {
    const who = admitted(req);
    if (!who) throw new Error('request reached GraphQL without admission');
    return { ...who, requestId, log: log.child({ requestId }), audit: new RequestAudit() };
  };
}
