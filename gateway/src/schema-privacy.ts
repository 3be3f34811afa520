import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './context.js';
import { LIMIT_EXTENSION } from './limits.js';

/**
 * In production, validation errors do not describe the schema. Suggestions are already off
 * (hideSchemaDetailsFromClientErrors), but messages such as `Cannot query field "x" on type
 * "Query"` or `Field "hospital" of type "Hospital" must have a selection of subfields` still let
 * clairvoyance rebuild the schema name by name (docs/security.md). So an invalid operation gets
 * one generic error — the same for every invalid document — and the detail goes to the log under
 * the request id. The hub's own limit errors (depth, aliases, cost…) name no type and stay.
 */
export function schemaPrivacyPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = result.errors;
          if (!errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')) return;
          const limits = errors.filter((e) => e.extensions?.[LIMIT_EXTENSION]).map(withoutMarker);
          const hidden = errors.filter((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && !e.extensions?.[LIMIT_EXTENSION]);
          contextValue.log.warn('invalid operation', { errors: hidden.map((e) => e.message) });
          result.errors = [
            ...limits,
            ...(hidden.length
              ? [{ message: 'The operation is not valid for this API; the gateway log has the detail under this request id', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: contextValue.requestId } }]
              : []),
          ];
        },
      };
    },
  };
}

function withoutMarker(error: GraphQLFormattedError): GraphQLFormattedError {
  const { [LIMIT_EXTENSION]: _, ...extensions } = error.extensions ?? {};
  return { ...error, extensions };
}
