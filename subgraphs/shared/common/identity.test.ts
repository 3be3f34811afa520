import { describe, expect, it } from 'vitest';
import { identityScopeKey, scopeFields, unscopedFields, type HubRole, type Identity } from './identity.js';

const officer: Identity = {
  subject: 'user-1',
  clientId: 'portal',
  kind: 'user',
  roles: ['analyst', 'supervisor'],
  regionCode: '330100',
  hospitalCode: null,
};

const key = (patch: Partial<Identity>, reason: string | null = null) => identityScopeKey({ ...officer, ...patch }, reason);

describe('identityScopeKey', () => {
  const base = key({});

  it('differs when kind differs', () => {
    expect(key({ kind: 'machine' })).not.toBe(base);
    expect(key({ kind: 'anonymous' })).not.toBe(base);
  });

  it('differs when roles differ (added, removed or replaced)', () => {
    expect(key({ roles: ['supervisor'] })).not.toBe(base);
    expect(key({ roles: ['analyst', 'inspector', 'supervisor'] })).not.toBe(base);
    expect(key({ roles: ['analyst', 'inspector'] })).not.toBe(base);
    expect(key({ roles: [] })).not.toBe(base);
  });

  it('differs when regionCode differs', () => {
    expect(key({ regionCode: '330102' })).not.toBe(base);
    expect(key({ regionCode: null })).not.toBe(base);
  });

  it('differs when hospitalCode differs', () => {
    expect(key({ hospitalCode: '91330100MA2XXXXX1X' })).not.toBe(base);
    expect(key({ hospitalCode: '91330100MA2XXXXX1X' })).not.toBe(key({ hospitalCode: '91330100MA2XXXXX2X' }));
  });

  it('differs when the unmask reason differs', () => {
    expect(key({}, 'case 2024-17')).not.toBe(base);
    expect(key({}, 'case 2024-17')).not.toBe(key({}, 'case 2024-18'));
    expect(key({}, '')).not.toBe(base);
  });

  it('does not confuse a region with a hospital of the same text', () => {
    expect(key({ regionCode: null, hospitalCode: '330100' })).not.toBe(key({ regionCode: '330100', hospitalCode: null }));
  });

  it('is equal for identities differing only in subject or clientId', () => {
    expect(key({ subject: 'user-2' })).toBe(base);
    expect(key({ clientId: 'other-client' })).toBe(base);
    expect(key({ subject: null, clientId: null })).toBe(base);
    expect(key({ subject: 'user-2' }, 'r')).toBe(key({ subject: 'user-3', clientId: 'x' }, 'r'));
  });

  it('does not depend on role order', () => {
    expect(key({ roles: ['supervisor', 'analyst'] })).toBe(key({ roles: ['analyst', 'supervisor'] }));
    const roles: HubRole[] = ['supervisor', 'inspector', 'analyst'];
    expect(key({ roles })).toBe(key({ roles: [...roles].reverse() }));
    expect(roles).toEqual(['supervisor', 'inspector', 'analyst']); // the caller's array is not sorted in place
  });
});

describe('scope fields', () => {
  it('every Identity field is declared scoped or unscoped, exactly once', () => {
    // Adding a field to Identity makes this object fail to compile until it is filled in here,
    // and this test fail until the field is listed in scopeFields or unscopedFields.
    const sample: Required<Identity> = {
      subject: 's',
      clientId: 'c',
      kind: 'user',
      roles: ['supervisor'],
      regionCode: '330100',
      hospitalCode: null,
    };
    const scoped: readonly string[] = scopeFields;
    const unscoped: readonly string[] = unscopedFields;
    for (const field of Object.keys(sample)) {
      const listed = (scoped.includes(field) ? 1 : 0) + (unscoped.includes(field) ? 1 : 0);
      expect({ field, listed }).toEqual({ field, listed: 1 });
    }
    expect(new Set([...scoped, ...unscoped])).toEqual(new Set(Object.keys(sample)));
    expect(scoped.length + unscoped.length).toBe(Object.keys(sample).length);
  });

  it('the scope key changes with every scoped field and with no unscoped one', () => {
    const variants: Record<string, Partial<Identity>> = {
      kind: { kind: 'machine' },
      roles: { roles: ['inspector'] },
      regionCode: { regionCode: '110000' },
      hospitalCode: { hospitalCode: '91110000MA0XXXXX0X' },
      subject: { subject: 'someone-else' },
      clientId: { clientId: 'another-client' },
    };
    for (const field of scopeFields) expect({ field, changes: key(variants[field]!) !== key({}) }).toEqual({ field, changes: true });
    for (const field of unscopedFields) expect({ field, changes: key(variants[field]!) !== key({}) }).toEqual({ field, changes: false });
  });
});
