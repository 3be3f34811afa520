import { GraphQLError } from 'graphql';

/** The GraphQLError `fn` throws (any other throw goes on; no throw fails the test). */
export function thrownGraphQLError(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a GraphQLError');
}
