import type { IncomingMessage } from 'node:http';
import type { Identity } from '#common/identity.js';
import type { Logger } from '#common/logger.js';
import type { Admitted } from './admission.js';
import { RequestAudit } from './audit.js';

export interface GatewayContext extends Admitted {
  requestId: string;
  log: Logger;
  identity: Identity;
  /** Filled from the subgraphs' reports while the plan runs; read by the audit plugin. */
  audit: RequestAudit;
}

const contexts = new WeakMap<IncomingMessage, GatewayContext>();
/** The context GraphQL ran a request with (undefined before, or when it never reached GraphQL). Apollo's
 * plugins see a shallow copy of it: share state through its objects (e.g. `audit`), not its fields. */
export const contextOf = (req: IncomingMessage): GatewayContext | undefined => contexts.get(req);

/** The context of an admitted request (admission.ts decided who it is before Apollo ran). */
export function createGatewayContext(log: Logger, admitted: (req: IncomingMessage) => Admitted | undefined) {
  return async (req: IncomingMessage, requestId: string): Promise<GatewayContext> => {
    const who = admitted(req);
    if (!who) throw new Error('request reached GraphQL without admission');
    const context: GatewayContext = { ...who, requestId, log: log.child({ requestId }), audit: new RequestAudit() };
    contexts.set(req, context);
    return context;
  };
}
