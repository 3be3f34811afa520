import type { ApolloServerPlugin } from '@apollo/server';
import { print, visit, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { REDACTED } from '#common/logger.js';
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
        async willSendResponse({ contextValue, response, document }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = result.errors;
          if (!errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')) return;
          const limits = errors.filter((e) => e.extensions?.[LIMIT_EXTENSION]).map(withoutMarker);
          const hidden = errors.filter((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' && !e.extensions?.[LIMIT_EXTENSION]);
          contextValue.log.warn('invalid operation', { errors: hidden.map((e) => withoutLiterals(e.message, document)) });
          result.errors = [
            ...limits,
            ...(hidden.length
              ? [
                  {
                    message: 'The operation is not valid for this API; the gateway log has the detail under this request id',
                    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: contextValue.requestId },
                  },
                ]
              : []),
          ];
        },
      };
    },
  };
}

/**
 * Validation messages quote the document's literals — `String cannot represent a non string value:
 * 13912345678`, `Expected value of type "UpsertStaffInput!", found "张三"` — that is, a caller's
 * data, personal data included, which must not reach the log (PIPL art. 51; logger.ts redacts
 * fields, not messages). So every literal of the document is replaced in the message; without a
 * parsed document, every quoted string and every number of four digits or more.
 */
export function withoutLiterals(message: string, document: DocumentNode | undefined): string {
  if (!document) return message.replace(/"(?:[^"\\]|\\.)*"|\d{4,}/g, REDACTED);
  const literals = new Set<string>();
  const number = (value: string) => value.length >= 4 && literals.add(value);
  visit(document, {
    StringValue: (node) => {
      literals.add(print(node));
      if (node.value.length >= 2) literals.add(node.value); // as a scalar's own message may quote it
    },
    IntValue: (node) => void number(node.value),
    FloatValue: (node) => void number(node.value),
  });
  let out = message;
  for (const literal of [...literals].sort((a, b) => b.length - a.length)) out = out.split(literal).join(REDACTED);
  return out;
}

function withoutMarker(error: GraphQLFormattedError): GraphQLFormattedError {
  const { [LIMIT_EXTENSION]: _, ...extensions } = error.extensions ?? {};
  return { ...error, extensions };
}
