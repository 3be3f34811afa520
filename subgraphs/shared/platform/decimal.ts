/**
 * Exact decimal arithmetic on the text PostgreSQL gives for `numeric` (sums of money and
 * quantities): scaled BigInts, never floating point, so a year is exactly the sum of its months.
 */
export const ZERO_DECIMAL = '0';

const FORM = /^(-?)(\d+)(?:\.(\d+))?$/;

function parts(text: string): { value: bigint; scale: number } {
  const m = FORM.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
  const fraction = m[3] ?? '';
  const value = BigInt(m[2]! + fraction);
  return { value: m[1] ? -value : value, scale: fraction.length };
}

function toText(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale ? digits.slice(digits.length - scale).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** a + b, exactly; trailing fraction zeros dropped ("12.50" + "0.5" = "13"). */
export function addDecimals(a: string, b: string): string {
  const x = parts(a);
  const y = parts(b);
  const scale = Math.max(x.scale, y.scale);
  const sum = x.value * 10n ** BigInt(scale - x.scale) + y.value * 10n ** BigInt(scale - y.scale);
  return toText(sum, scale);
}

/**
 * a × b rounded to `scale` fraction digits, half away from zero (e.g. an order line's amount =
 * quantity × unit price to the fen: "3" × "0.3335" = "1.0005" → "1"; "3" × "0.335" → "1.01").
 */
export function multiplyDecimals(a: string, b: string, scale: number): string {
  const x = parts(a);
  const y = parts(b);
  const productScale = x.scale + y.scale;
  let product = x.value * y.value;
  if (productScale > scale) {
    const divisor = 10n ** BigInt(productScale - scale);
    const negative = product < 0n;
    const magnitude = negative ? -product : product;
    const rounded = (magnitude + divisor / 2n) / divisor;
    product = negative ? -rounded : rounded;
    return toText(product, scale);
  }
  return toText(product, productScale);
}
