/**
 * One token request to a realm's token endpoint, the way a console or a government system makes
 * it: the password grant (Keycloak's Direct Access Grants) for a person, client credentials for a
 * machine client. Shared by `npm run token`, the development provider's tokenFor and tests.
 */
export type TokenGrant =
  | { kind: 'password'; clientId: string; clientSecret?: string; username: string; password: string }
  | { kind: 'client'; clientId: string; secret: string };

export const tokenEndpoint = (serverUrl: string, realm: string) =>
  `${serverUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;

export class TokenRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export async function requestToken(tokenUrl: string, grant: TokenGrant, extra: Record<string, string> = {}): Promise<string> {
  const form = new URLSearchParams(extra);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (grant.kind === 'client') {
    form.set('grant_type', 'client_credentials');
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(grant.clientId)}:${encodeURIComponent(grant.secret)}`).toString('base64')}`;
  } else {
    form.set('grant_type', 'password');
    form.set('client_id', grant.clientId);
    if (grant.clientSecret) form.set('client_secret', grant.clientSecret);
    form.set('username', grant.username);
    form.set('password', grant.password);
  }
  let res: Response;
  try {
    res = await fetch(tokenUrl, { method: 'POST', headers, body: form });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new TokenRequestError(`no identity provider answering at ${tokenUrl} (${cause})`, null);
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) {
    throw new TokenRequestError(
      `token request to ${tokenUrl} failed: HTTP ${[res.status, body.error, body.error_description].filter(Boolean).join(' ')}`,
      res.status,
    );
  }
  return body.access_token;
}
