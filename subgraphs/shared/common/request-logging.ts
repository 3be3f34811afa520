import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SERVICE_NAME_EXTENSION } from './errors.js';
import type { Logger } from './logger.js';

/**
 * One structured line per operation: name, duration, outcome — keyed by the request id. Failures
 * are always logged (warn), with the subgraphs their errors came from (SERVICE_NAME_EXTENSION,
 * which clients of the gateway see only in development); successes at `successLevel` (the
 * gateway's access log is `info`, a subgraph's `debug`: the gateway already has the line).
 */
export function requestLoggingPlugin<TContext extends BaseContext & { log: Logger }>(
  successLevel: 'info' | 'debug' = 'debug',
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const log = contextValue.log;
          if (!errors && !log.enabled(successLevel)) return;
          const fields = {
            operationName: operationName ?? null,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
            status: response.http.status ?? 200,
            errors: errors?.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
          };
          if (errors?.length) {
            const subgraphs = [
              ...new Set(errors.map((e) => e.extensions?.[SERVICE_NAME_EXTENSION]).filter((name) => typeof name === 'string')),
            ];
            log.warn('operation failed', subgraphs.length ? { ...fields, subgraphs } : fields);
          } else log[successLevel]('operation', fields);
        },
      };
    },
  };
}
