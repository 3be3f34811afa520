import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from './compile.js';
import { validateRelease } from './validate.js';
import { awardRelease, contractRelease, getAt, setAt, tenderRelease } from './test-releases.js';

const errorOf = (value: unknown, settings: Record<string, unknown> = {}) => {
  const r = validateRelease(value, settings);
  return r.ok ? undefined : r.error;
};
const changed = (release: JsonObject, path: string, value: Json) => setAt(release, path, value);

describe('validateRelease', () => {
  it('accepts a tender, an award and a contract release', () => {
    for (const r of [tenderRelease(), awardRelease(), contractRelease()]) expect(errorOf(r)).toBeUndefined();
  });

  it.each([
    ['tender.procurementMethod', 'restricted'],
    ['tender.status', 'open'],
    ['tender.mainProcurementCategory', 'supplies'],
    ['tender.awardCriteria', 'cheapest'],
    ['parties[1].roles[0]', 'bidder'],
    ['bids.details[1].status', 'rejected'],
    ['tag[0]', 'notice'],
  ])('refuses an unknown codelist value at %s', (field, value) => {
    expect(errorOf(changed(tenderRelease(), field, value))).toMatchObject({ code: 'CODELIST', field });
  });

  it('refuses unknown award and contract statuses', () => {
    expect(errorOf(changed(awardRelease(), 'awards[0].status', 'won'))).toMatchObject({ code: 'CODELIST', field: 'awards[0].status' });
    expect(errorOf(changed(contractRelease(), 'contracts[0].status', 'signed'))).toMatchObject({
      code: 'CODELIST',
      field: 'contracts[0].status',
    });
  });

  it('requires ocid, id, an RFC 3339 date and a tag', () => {
    expect(errorOf({ ...tenderRelease(), ocid: null })).toMatchObject({ code: 'REQUIRED', field: 'ocid' });
    expect(errorOf({ ...tenderRelease(), id: '' })).toMatchObject({ code: 'FORMAT', field: 'id' });
    expect(errorOf({ ...tenderRelease(), date: '2025-03-01 09:00' })).toMatchObject({ code: 'DATE', field: 'date' });
    expect(errorOf({ ...tenderRelease(), date: '2025-03-01T09:00:00' })).toMatchObject({ code: 'DATE', field: 'date' });
    expect(errorOf({ ...tenderRelease(), tag: [] })).toMatchObject({ code: 'TYPE', field: 'tag' });
    expect(errorOf([1, 2])).toMatchObject({ code: 'TYPE' });
  });

  it('checks the USCC check digit of CN-USCC parties and buyer, and normalises it', () => {
    const bad = changed(tenderRelease(), 'parties[2].identifier.id', '91330100000000123B');
    expect(errorOf(bad)).toMatchObject({ code: 'USCC', field: 'parties[2].identifier.id' });
    expect(errorOf(bad)?.message).toMatch(/check digit should be 'A'/);
    const buyer = tenderRelease('x', { buyer: { id: 'buyer', identifier: { scheme: 'CN-USCC', id: '12330100000000019C' } } });
    expect(errorOf(buyer)).toMatchObject({ code: 'USCC', field: 'buyer.identifier.id' });
    const r = validateRelease(changed(tenderRelease(), 'parties[2].identifier.id', ' 91330100000000123a '));
    expect(r.ok && getAt(r.release, 'parties[2].identifier.id')).toBe('91330100000000123A');
  });

  it('ignores identifiers of other schemes', () => {
    expect(errorOf(changed(tenderRelease(), 'parties[2].identifier', { scheme: 'CN-ORG', id: 'whatever' }))).toBeUndefined();
  });

  it('refuses negative and non-numeric amounts', () => {
    expect(errorOf(changed(tenderRelease(), 'tender.value.amount', -1))).toMatchObject({ code: 'AMOUNT', field: 'tender.value.amount' });
    expect(errorOf(changed(awardRelease(), 'awards[0].value.amount', '4800000'))).toMatchObject({
      code: 'AMOUNT',
      field: 'awards[0].value.amount',
    });
  });

  it('refuses a foreign currency without a rate, converts it with one and keeps the original', () => {
    const award = changed(awardRelease(), 'awards[0].value', { amount: 100_000.55, currency: 'USD' });
    expect(errorOf(award)).toMatchObject({ code: 'CURRENCY', field: 'awards[0].value.currency' });
    expect(errorOf(award, { currencyRates: { EUR: 7.8 } })).toMatchObject({ code: 'CURRENCY' });
    const r = validateRelease(award, { currencyRates: { USD: 7.1 } });
    expect(r.ok && getAt(r.release, 'awards[0].value')).toEqual({
      amount: 710_003.91,
      currency: 'CNY',
      original: { amount: 100_000.55, currency: 'USD', rate: 7.1 },
    });
    expect(getAt(award, 'awards[0].value.currency')).toBe('USD'); // the input is not changed
  });

  it('checks the bids extension and the dates it uses', () => {
    expect(errorOf(changed(tenderRelease(), 'bids.details[0].date', 'yesterday'))).toMatchObject({
      code: 'DATE',
      field: 'bids.details[0].date',
    });
    const feb30 = changed(tenderRelease(), 'tender.tenderPeriod.endDate', '2025-02-30T00:00:00Z');
    expect(errorOf(feb30)).toMatchObject({ code: 'DATE', field: 'tender.tenderPeriod.endDate' });
  });
});
