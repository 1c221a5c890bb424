import type { LedgerClient } from './ledger-store.ts';

/**
 * The escrow sub-account an order's payment went into (docs/ledger.md §5): the credit side of its first
 * `order_payment` leg (posted, or a hold posted at capture), so that its settlement and refunds take the
 * money from where it is. Null when the order has no payment leg. Read through the caller's client, so a
 * recipe built inside a transaction takes no second pooled connection.
 */
export async function orderPaymentEscrowAccountId(client: LedgerClient, orderId: string): Promise<string | null> {
  const { rows } = await client.query<{ credit_account_id: string }>(
    `select t.credit_account_id from ledger_transfer t join ledger_account a on a.id = t.credit_account_id and a.kind = 'escrow'
      where t.reference_type = 'order' and t.reference_id = $1 and t.reason = 'order_payment' and t.kind in ('posted', 'post_pending')
      order by t.append_order limit 1`,
    [orderId],
  );
  return rows[0]?.credit_account_id ?? null;
}
