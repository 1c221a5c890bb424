import { InvalidPeriodError } from './finance.errors.ts';

/** A half-open period [from, to) of transfer creation times; either end may be open. */
export interface Period {
  from: Date | null;
  to: Date | null;
}

export function parsePeriod(input: { from?: string | undefined; to?: string | undefined }): Period {
  const from = input.from === undefined ? null : new Date(input.from);
  const to = input.to === undefined ? null : new Date(input.to);
  if (from && to && from.getTime() >= to.getTime()) throw new InvalidPeriodError();
  return { from, to };
}
