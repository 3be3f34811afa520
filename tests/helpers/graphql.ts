import { request } from 'undici';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
  text: string;
}

/** POST a GraphQL operation over real HTTP. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  return post<T>(url, JSON.stringify({ query, variables }), { 'content-type': 'application/json', ...headers });
}

export async function post<T = Record<string, unknown>>(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<GraphQLResponse<T>> {
  const res = await request(url, { method: 'POST', headers, body });
  const text = await res.body.text();
  let parsed: GraphQLResponse<T>['body'] = {};
  try {
    parsed = JSON.parse(text) as GraphQLResponse<T>['body'];
  } catch {
    /* non-JSON bodies are asserted on `text` */
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, text };
}
