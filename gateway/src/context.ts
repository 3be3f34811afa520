import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Identity } from '../../subgraphs/shared/src/identity.js';
import type { Logger } from '../../subgraphs/shared/src/logger.js';
import { verifyToken } from './auth.js';
import type { RateLimiter } from './rate-limit.js';

export interface GatewayContext {
  requestId: string;
  log: Logger;
  identity: Identity;
}

export function createGatewayContext(log: Logger, limiter: RateLimiter) {
  return async (req: IncomingMessage, requestId: string): Promise<GatewayContext> => {
    const requestLog = log.child({ requestId });
    const verified = await verifyToken(req);
    if (!verified.ok) {
      requestLog.warn('request refused', { status: verified.status, reason: verified.reason });
      throw new GraphQLError(verified.status === 401 ? 'Authentication required' : 'Forbidden', {
        extensions: { code: verified.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', http: { status: verified.status } },
      });
    }
    const { identity } = verified;
    const caller = identity.clientId ? `client:${identity.clientId}` : identity.subject ? `user:${identity.subject}` : `ip:${req.socket.remoteAddress}`;
    const wait = limiter.take(caller);
    if (wait > 0) {
      requestLog.warn('rate limited', { caller });
      throw new GraphQLError('Too many requests', {
        extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: new Map([['retry-after', String(wait)]]) } },
      });
    }
    return { requestId, log: requestLog, identity };
  };
}
