import { z } from 'zod';

/**
 * Parse configuration once at start-up. Every problem is reported (not just the first),
 * with the variable's name, then the process exits 1 — no half-configured service.
 * `env` is the process's environment, handed over by its config module (the gateway's
 * gateway/src/config.ts, a subgraph's platform/main.ts, the hub's scripts/lib/hub.ts): the only
 * places that read `process.env`; everything below them gets values, and nothing writes it.
 */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // An empty variable means "not set" (VAR= in a shell or a compose file), not an invalid value.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The identity-key variables (identity-signature.ts `loadSigningKey`, `loadVerificationKey`): PEM or
 * base64 of it; unset outside production → the development key file.
 */
export const identityKeyVariables = {
  HUB_IDENTITY_PRIVATE_KEY: z.string().optional(),
  HUB_IDENTITY_PUBLIC_KEY: z.string().optional(),
  HUB_IDENTITY_KEY_PATH: z.string().optional(),
};

/** Reusable env field types. */
export const env = {
  port: (dflt: number) => z.coerce.number().int().min(0).max(65535).default(dflt),
  url: () => z.string().url(),
  ms: (dflt: number) => z.coerce.number().int().positive().default(dflt),
  int: (dflt: number, min = 0) => z.coerce.number().int().min(min).default(dflt),
  nodeEnv: () => z.enum(['development', 'production', 'test']).default('development'),
  logLevel: () => z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
};

/**
 * Variables named `<prefix><NAME>`, one per subgraph (e.g. SUBGRAPH_URL_DIRECTORY), by lower-cased name,
 * each parsed with `type`; an unparsable one is a ConfigError naming it. Empty values are ignored.
 */
export function perSubgraph<T>(
  source: Record<string, string | undefined>,
  prefix: string,
  type: z.ZodType<T>,
  what: string,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(source)) {
    if (!key.startsWith(prefix) || !value) continue;
    const parsed = type.safeParse(value);
    if (!parsed.success) throw new ConfigError(`Invalid configuration:\n  ${key}: ${what}`);
    out[key.slice(prefix.length).toLowerCase()] = parsed.data;
  }
  return out;
}
