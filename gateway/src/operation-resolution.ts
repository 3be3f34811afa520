import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';

/**
 * A valid document whose operation cannot be picked — several operations and no `operationName`,
 * or an `operationName` the document does not define — is the caller's mistake: 400 with Apollo's
 * own code for it, OPERATION_RESOLUTION_FAILURE, and `field: operationName`. Apollo Server answers
 * so itself only when graphql-js executes the document; behind @apollo/gateway the query planner
 * throws instead (an INVALID_GRAPHQL error, masked as a 500), so the gateway decides it here,
 * before anything is planned. The messages are graphql-js's own (GraphQL spec, GetOperation()).
 */
export function operationResolutionPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          throw new GraphQLError(unresolvedMessage(document, request.operationName ?? null), {
            extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, field: 'operationName', http: { status: 400 } },
          });
        },
      };
    },
  };
}

/** Why no operation of `document` is selected by `operationName`. */
export function unresolvedMessage(document: DocumentNode, operationName: string | null): string {
  if (operationName !== null) return `Unknown operation named "${operationName}".`;
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  return operations > 1 ? 'Must provide operation name if query contains multiple operations.' : 'Must provide an operation.';
}
