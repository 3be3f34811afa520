import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { encodeIdentity, IDENTITY_HEADER } from '../../subgraphs/shared/src/identity.js';
import { REQUEST_ID_HEADER } from '../../subgraphs/shared/src/request-id.js';
import type { GatewayContext } from './context.js';
import type { MinimalResponse } from './subgraph-fetcher.js';

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<MinimalResponse>;

/**
 * One subgraph as the gateway sees it: forwards the request id and the verified identity, and turns
 * transport failures into a masked SUBGRAPH_UNAVAILABLE error that never shows the internal URL.
 */
export class HubDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly serviceName: string, url: string, fetch: Fetch) {
    super({ url, fetcher: fetch as unknown as RemoteGraphQLDataSource['fetcher'] });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context?.requestId) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    headers.set(IDENTITY_HEADER, encodeIdentity(context.identity));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (err) {
      options.context?.log?.warn('subgraph request failed', { subgraph: this.serviceName, err });
      // A refused request keeps its meaning; nothing of the subgraph's HTTP response (URL, body) leaves.
      const code = err instanceof GraphQLError ? err.extensions?.code : undefined;
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
        throw new GraphQLError(`Subgraph "${this.serviceName}" refused the request`, { extensions: { code, serviceName: this.serviceName } });
      }
      throw new GraphQLError(`Subgraph "${this.serviceName}" is unavailable`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: this.serviceName },
      });
    }
  }
}
