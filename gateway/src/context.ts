import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Identity } from '../../subgraphs/shared/src/identity.js';
import type { Logger } from '../../subgraphs/shared/src/logger.js';
import { verifyToken } from './auth.js';

export interface GatewayContext {
  requestId: string;
  log: Logger;
  identity: Identity;
}

export function createGatewayContext(log: Logger) {
  return async (req: IncomingMessage, requestId: string): Promise<GatewayContext> => {
    const requestLog = log.child({ requestId });
    const verified = await verifyToken(req);
    if (!verified.ok) {
      requestLog.warn('request refused', { status: verified.status, reason: verified.reason });
      throw new GraphQLError(verified.status === 401 ? 'Authentication required' : 'Forbidden', {
        extensions: { code: verified.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', http: { status: verified.status } },
      });
    }
    return { requestId, log: requestLog, identity: verified.identity };
  };
}
