import { BusinessRuleError } from '../../errors.ts';

/** A refund of a settled order needs the merchant's available balance, which holds less than its share. */
export class MerchantBalanceShortError extends BusinessRuleError {
  constructor(merchantShareMinor: number, currency: string) {
    super(
      'merchant_balance_insufficient',
      `This order was settled to the merchant: the refund takes ${merchantShareMinor} ${currency} minor units back from the merchant's available balance, which holds less (payouts in progress included). Nothing was refunded.`,
      { amountMinor: "exceeds the merchant's available balance" },
    );
  }
}
