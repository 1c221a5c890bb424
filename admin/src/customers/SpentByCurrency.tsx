import { useRecordContext } from 'react-admin';
import { Money } from '../money.tsx';

/** What a shopper spent here, net of refunds, in each currency they paid in. */
export function SpentByCurrency() {
  const customer = useRecordContext<{ id: string; spentByCurrency: { currency: string; amountMinor: number }[] }>();
  if (!customer) return null;
  return (
    <span>
      {customer.spentByCurrency.map((spent, index) => (
        <span key={spent.currency}>
          {index > 0 && ', '}
          <Money amountMinor={spent.amountMinor} currency={spent.currency} />
        </span>
      ))}
    </span>
  );
}
