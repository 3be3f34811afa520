/**
 * OCDS `Value` objects ({ amount, currency }) in the hub's one currency. The hub compares and sums money
 * in CNY only (DESIGN.md §7): an amount in another currency is refused unless the run configures a rate
 * (`settings.currencyRates`, e.g. { USD: 7.1 } yuan per unit); then it is converted, and the amount as
 * given is kept beside it in the hub extension `value.original` { amount, currency, rate }.
 */
import type { FeedError } from '#platform/feed/types.js';
import { isObject, type JsonObject } from './compile.js';

export const HUB_CURRENCY = 'CNY';

export type CurrencyRates = ReadonlyMap<string, number>;

/** The usable rates of `settings.currencyRates` (positive finite numbers, ISO 4217 keys). */
export function currencyRates(settings: Record<string, unknown>): CurrencyRates {
  const given = settings['currencyRates'];
  const rates = new Map<string, number>();
  if (!isObject(given)) return rates;
  for (const [code, rate] of Object.entries(given)) {
    if (/^[A-Z]{3}$/.test(code) && typeof rate === 'number' && Number.isFinite(rate) && rate > 0) rates.set(code, rate);
  }
  return rates;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Checks (and converts in place) one Value at `field`; `undefined` when it is fine. */
export function checkValue(value: unknown, field: string, rates: CurrencyRates): FeedError | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return { code: 'TYPE', field, message: `${field} must be an object { amount, currency }` };
  const { amount, currency } = value;
  if (amount !== undefined && amount !== null && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) {
    return { code: 'AMOUNT', field: `${field}.amount`, message: `${field}.amount must be a number ≥ 0` };
  }
  if (currency === undefined || currency === null) {
    return amount === undefined || amount === null
      ? undefined
      : { code: 'CURRENCY', field: `${field}.currency`, message: `${field}.currency is required with an amount` };
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    return { code: 'CURRENCY', field: `${field}.currency`, message: `${field}.currency must be an ISO 4217 code such as CNY` };
  }
  if (currency === HUB_CURRENCY) return undefined;
  const rate = rates.get(currency);
  if (rate === undefined) {
    return {
      code: 'CURRENCY',
      field: `${field}.currency`,
      message: `${field}.currency is ${currency}: only CNY is accepted unless a rate for ${currency} is configured (currencyRates)`,
    };
  }
  convert(value, currency, rate);
  return undefined;
}

function convert(value: JsonObject, currency: string, rate: number): void {
  const amount = typeof value['amount'] === 'number' ? value['amount'] : null;
  value['original'] = { amount, currency, rate };
  if (amount !== null) value['amount'] = round2(amount * rate);
  value['currency'] = HUB_CURRENCY;
}
