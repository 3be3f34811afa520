/**
 * Who is calling, as vouched for by the gateway. The gateway verifies the caller once
 * (`verifyToken()` in gateway/src/auth.ts) and forwards the result in one header;
 * subgraphs read it here and nowhere else. Issue-3 work (signing, roles, scopes) plugs in here.
 */
export const IDENTITY_HEADER = 'x-hub-identity';

export interface Identity {
  /** `sub` of the token, or null for an anonymous caller. */
  subject: string | null;
  /** `azp` — the client the token was issued to. */
  clientId: string | null;
  roles: string[];
  /** Region subtree the caller is scoped to (GB/T 2260), if any. */
  regionCode: string | null;
  /** Hospital the caller is scoped to (统一社会信用代码), if any. */
  hospitalCode: string | null;
}

export const anonymousIdentity: Identity = Object.freeze({
  subject: null,
  clientId: null,
  roles: [],
  regionCode: null,
  hospitalCode: null,
}) as Identity;

// The gateway forwards one identity to every fetch of a request's plan: encode it once.
const encoded = new WeakMap<Identity, string>();

export function encodeIdentity(identity: Identity): string {
  let header = encoded.get(identity);
  if (header === undefined) encoded.set(identity, (header = Buffer.from(JSON.stringify(identity)).toString('base64url')));
  return header;
}

/** A missing or unreadable header is an anonymous caller — never an error that leaks detail. */
export function decodeIdentity(header: string | string[] | undefined): Identity {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return anonymousIdentity;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Identity>;
    return {
      subject: typeof parsed.subject === 'string' ? parsed.subject : null,
      clientId: typeof parsed.clientId === 'string' ? parsed.clientId : null,
      roles: Array.isArray(parsed.roles) ? parsed.roles.filter((r) => typeof r === 'string') : [],
      regionCode: typeof parsed.regionCode === 'string' ? parsed.regionCode : null,
      hospitalCode: typeof parsed.hospitalCode === 'string' ? parsed.hospitalCode : null,
    };
  } catch {
    return anonymousIdentity;
  }
}
