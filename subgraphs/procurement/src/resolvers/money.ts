/** A money field: an amount with its currency, or null when the amount is unknown. */
export const money = (amount: { toString(): string } | null | undefined, currency: string) =>
  amount === null || amount === undefined ? null : { amount: amount.toString(), currency };
