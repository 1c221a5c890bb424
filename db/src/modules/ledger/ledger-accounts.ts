import type { AccountKind, LedgerAccount, OwnerType } from './ledger.types.ts';

interface KindRule {
  ownerType: OwnerType;
  /** Credit-normal accounts hold money for someone and may never go below zero; debit-normal ones are the platform's claims. */
  normalSide: 'credit' | 'debit';
}

/** What each kind of account is: who owns it and which side its balance lives on. */
export const KIND_RULES: Record<AccountKind, KindRule> = {
  shopper_wallet: { ownerType: 'shopper', normalSide: 'credit' },
  merchant_available: { ownerType: 'merchant', normalSide: 'credit' },
  merchant_pending: { ownerType: 'merchant', normalSide: 'credit' },
  escrow: { ownerType: 'platform', normalSide: 'credit' },
  platform_fees: { ownerType: 'platform', normalSide: 'credit' },
  card_clearing: { ownerType: 'platform', normalSide: 'debit' },
  payouts_in_transit: { ownerType: 'platform', normalSide: 'credit' },
  red_envelope_hold: { ownerType: 'red_envelope', normalSide: 'credit' },
  group_buy_hold: { ownerType: 'group_buy', normalSide: 'credit' },
  world: { ownerType: 'platform', normalSide: 'debit' },
};

/** The "never below zero, pending holds included" flag follows from the kind, so no caller can forget it. */
export function mustNotGoBelowZero(kind: AccountKind): boolean {
  return KIND_RULES[kind].normalSide === 'credit';
}

export interface AccountBalances {
  /** Posted balance on the account's normal side. */
  balanceMinor: number;
  /** Posted balance less the holds of pending transfers that would lower it. */
  availableMinor: number;
}

export function accountBalances(account: Pick<LedgerAccount, 'kind' | 'debitsPosted' | 'creditsPosted' | 'debitsPending' | 'creditsPending'>): AccountBalances {
  if (KIND_RULES[account.kind].normalSide === 'credit') {
    const balanceMinor = account.creditsPosted - account.debitsPosted;
    return { balanceMinor, availableMinor: balanceMinor - account.debitsPending };
  }
  const balanceMinor = account.debitsPosted - account.creditsPosted;
  return { balanceMinor, availableMinor: balanceMinor - account.creditsPending };
}

export interface AccountRow {
  id: string;
  kind: AccountKind;
  currency: string;
  owner_type: OwnerType;
  owner_id: string | null;
  merchant_id: string | null;
  debits_must_not_exceed_credits: boolean;
  debits_posted: number;
  credits_posted: number;
  debits_pending: number;
  credits_pending: number;
  created_at: Date;
}

export function accountFromRow(row: AccountRow): LedgerAccount {
  return {
    id: row.id,
    kind: row.kind,
    currency: row.currency as LedgerAccount['currency'],
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    merchantId: row.merchant_id,
    debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
    debitsPosted: row.debits_posted,
    creditsPosted: row.credits_posted,
    debitsPending: row.debits_pending,
    creditsPending: row.credits_pending,
    createdAt: row.created_at,
  };
}
