import { thrownGraphQLError as thrown } from '#testing/errors.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineThresholds, regionPrefix, resolveThresholds, type Override } from './thresholds.js';

const table = defineThresholds({
  defaultVersion: 'CN-2025.1',
  rules: {
    R003: {
      params: z.object({ thresholdDays: z.number().int().positive(), methods: z.array(z.string()) }),
      versions: { 'CN-2025.1': { thresholdDays: 20, methods: [] }, 'CARDINAL-1': { thresholdDays: 15, methods: [] } },
    },
    PROC_X: { params: z.object({ ratio: z.number() }), versions: { 'CN-2025.1': { ratio: 1 } } },
  },
});

const at = (date: string) => new Date(`${date}T00:00:00+08:00`);
const override = (regionCode: string, thresholdDays: number, validFrom = '2025-01-01'): Override => ({
  ruleCode: 'R003',
  regionCode,
  params: { thresholdDays },
  validFrom: at(validFrom),
});
const asOf = at('2026-06-01');

describe('resolveThresholds', () => {
  it('gives the default version, or the chosen one, and falls back to the default for rules without it', () => {
    const national = resolveThresholds(table, { regionCode: '330502' });
    expect(national.R003).toEqual({ version: 'CN-2025.1', params: { thresholdDays: 20, methods: [] } });
    const cardinal = resolveThresholds(table, { regionCode: '330502', version: 'CARDINAL-1' });
    expect(cardinal.R003).toEqual({ version: 'CARDINAL-1', params: { thresholdDays: 15, methods: [] } });
    expect(cardinal.PROC_X.version).toBe('CN-2025.1');
  });

  it('applies the most specific region prefix in force: district > city > province', () => {
    const overrides = [override('330000', 25), override('330500', 28), override('330502', 30)];
    const days = (regionCode: string) => resolveThresholds(table, { regionCode, overrides, asOf }).R003;
    expect(days('330502')).toEqual({ version: 'CN-2025.1+330502', params: { thresholdDays: 30, methods: [] } });
    expect(days('330503').version).toBe('CN-2025.1+330500');
    expect(days('330503').params.thresholdDays).toBe(28);
    expect(days('331002').params.thresholdDays).toBe(25);
    expect(days('320102')).toEqual({ version: 'CN-2025.1', params: { thresholdDays: 20, methods: [] } });
  });

  it('ignores an override not yet in force, and takes the latest of one region', () => {
    const overrides = [override('330500', 28, '2025-01-01'), override('330500', 29, '2026-01-01'), override('330502', 30, '2027-01-01')];
    expect(resolveThresholds(table, { regionCode: '330502', overrides, asOf }).R003.params.thresholdDays).toBe(29);
  });

  it('does not apply overrides to a non-default version', () => {
    const resolved = resolveThresholds(table, { regionCode: '330502', version: 'CARDINAL-1', overrides: [override('330502', 30)], asOf });
    expect(resolved.R003).toEqual({ version: 'CARDINAL-1', params: { thresholdDays: 15, methods: [] } });
  });

  it('rejects a bad override naming the rule and the field', () => {
    const bad = { ...override('330502', 0), params: { thresholdDays: 'twenty' } };
    const error = thrown(() => resolveThresholds(table, { regionCode: '330502', overrides: [bad], asOf }));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'overrides.R003.params.thresholdDays', ruleCode: 'R003' });
    expect(error.message).toContain('R003');
    const negative = thrown(() => resolveThresholds(table, { regionCode: '330502', overrides: [override('330502', -1)], asOf }));
    expect(negative.extensions.field).toBe('overrides.R003.params.thresholdDays');
  });

  it('rejects an unknown field, rule, region code or version', () => {
    const extra = { ...override('330502', 30), params: { thresholdDayz: 30 } };
    expect(thrown(() => resolveThresholds(table, { regionCode: '330502', overrides: [extra], asOf })).extensions.field).toBe(
      'overrides.R003.params.thresholdDayz',
    );
    const unknownRule = { ...override('330502', 30), ruleCode: 'R999' };
    expect(thrown(() => resolveThresholds(table, { regionCode: '330502', overrides: [unknownRule] })).extensions.field).toBe(
      'overrides[0].ruleCode',
    );
    expect(thrown(() => resolveThresholds(table, { regionCode: '330502', overrides: [override('33', 30)] })).extensions.field).toBe(
      'overrides[0].regionCode',
    );
    expect(thrown(() => resolveThresholds(table, { regionCode: '330502', version: 'CN-1999' })).extensions.field).toBe('version');
  });

  it('applies a country-wide override below any region', () => {
    const overrides = [override('000000', 21), override('330000', 25)];
    expect(resolveThresholds(table, { regionCode: '320102', overrides, asOf }).R003.params.thresholdDays).toBe(21);
    expect(resolveThresholds(table, { regionCode: '330102', overrides, asOf }).R003.params.thresholdDays).toBe(25);
  });
});

describe('defineThresholds', () => {
  it('refuses a version that does not match its schema, or a rule without the default version', () => {
    const params = z.object({ days: z.number() });
    expect(() =>
      defineThresholds({ defaultVersion: 'A', rules: { R: { params, versions: { A: { days: 'x' as unknown as number } } } } }),
    ).toThrow(/R A: days/);
    expect(() => defineThresholds({ defaultVersion: 'A', rules: { R: { params, versions: { B: { days: 1 } } } } })).toThrow(
      /no default version A/,
    );
  });
});

describe('regionPrefix', () => {
  it('maps province, city, district and country codes to their prefixes', () => {
    expect([regionPrefix('330000'), regionPrefix('330500'), regionPrefix('330502'), regionPrefix('000000')]).toEqual([
      '33',
      '3305',
      '330502',
      '',
    ]);
  });
});
