import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, OperationTypeNode, type GraphQLFormattedError } from 'graphql';
import { IDENTITY_HEADER } from '#common/identity.js';
import type { IdentitySigner } from '#common/identity-signature.js';
import { AUDIT_EXTENSION } from '#common/audit/report.js';
import { REQUEST_ID_HEADER } from '#common/request-id.js';
import { SERVICE_NAME_EXTENSION } from '#common/errors.js';
import type { GatewayContext } from './context.js';
import type { MinimalResponse } from './subgraph-fetcher.js';
import { PEER_IDENTITY_PREFIX } from '#platform/feed/http.js';

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<MinimalResponse>;

/**
 * One subgraph as the gateway sees it: forwards the request id and the verified identity (signed
 * for this subgraph) — for a mutation also the caller's identity signed for each other subgraph
 * (`x-hub-peer-identity-<peer>`), so the subgraph can check a write's references in its peers under
 * the caller's own row scope, as a feed run does (docs/identity.md, "Peer look-ups") —, collects what the subgraph reports for the audit log, and turns transport
 * failures into a masked SUBGRAPH_UNAVAILABLE error that never shows the internal URL (nor, outside
 * development, the subgraph's name).
 */
export class HubDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly serviceName: string,
    url: string,
    fetch: Fetch,
    private readonly signer: IdentitySigner,
    private readonly opts: {
      development: boolean;
      /** The other subgraphs' names (read per request: the gateway learns them as it builds each service). */
      peers?: () => Iterable<string>;
    },
  ) {
    super({ url, fetcher: fetch as unknown as RemoteGraphQLDataSource['fetcher'] });
  }

  /** Async only when the signature is not cached (the signer hands back its cached promise). */
  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const headers = options.request.http?.headers;
    const context = contextOf(options);
    if (!headers || !context?.requestId) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    headers.set(IDENTITY_HEADER, await this.signer.sign(context.identity, context.reason, this.serviceName));
    if (this.opts.peers && isMutation(options))
      for (const peer of this.opts.peers())
        if (peer !== this.serviceName) headers.set(`${PEER_IDENTITY_PREFIX}${peer}`, await this.signer.sign(context.identity, null, peer));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      const response = await super.process(options);
      const report: unknown = response.extensions?.[AUDIT_EXTENSION];
      if (report !== undefined) {
        contextOf(options)?.audit?.merge(report as Parameters<GatewayContext['audit']['merge']>[0]);
        delete response.extensions![AUDIT_EXTENSION];
      }
      return response;
    } catch (err) {
      contextOf(options)?.log?.warn('subgraph request failed', { subgraph: this.serviceName, err });
      // A refused request keeps its meaning; nothing of the subgraph's HTTP response (URL, body) leaves.
      const code = err instanceof GraphQLError ? err.extensions?.code : undefined;
      const subgraph = this.opts.development ? `Subgraph "${this.serviceName}"` : 'A subgraph';
      const extensions = { [SERVICE_NAME_EXTENSION]: this.serviceName };
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
        throw new GraphQLError(`${subgraph} refused the request`, { extensions: { code, ...extensions } });
      }
      throw new GraphQLError(`${subgraph} is unavailable`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', ...extensions } });
    }
  }
}

/** Apollo `formatError` outside development: the same, without the subgraph's name (SERVICE_NAME_EXTENSION). */
export function withoutServiceName(format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = format(formatted, error);
    if (!out.extensions || !(SERVICE_NAME_EXTENSION in out.extensions)) return out;
    const { [SERVICE_NAME_EXTENSION]: _internal, ...extensions } = out.extensions;
    return { ...out, extensions };
  };
}

/** Whether the fetch belongs to a client's mutation (only writes look their references up in peers). */
const isMutation = (options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean =>
  'incomingRequestContext' in options && options.incomingRequestContext.operation?.operation === OperationTypeNode.MUTATION;

/** The request's context (@apollo/gateway types it loosely across its kinds of request; health checks have none). */
const contextOf = (options: GraphQLDataSourceProcessOptions<GatewayContext>): GatewayContext | undefined =>
  (options as { context?: GatewayContext }).context;
