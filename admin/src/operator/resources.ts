/** Every operator resource's name: canAccess opens them to operators and to no merchant role. */
export const OPERATOR_RESOURCES = ['merchants', 'fee-rates', 'chat-hosts', 'ledger-accounts', 'ledger-transfers', 'operator-shops', 'trial-balance', 'reconciliation', 'queues'] as const;
