import type pg from 'pg';
import { accountFromRow, type AccountRow } from './ledger-accounts.ts';
import { bodyHash, chainHash, GENESIS_HASH } from './ledger-hash.ts';
import { TRANSFER_COLUMNS, transferFromRow, type TransferRow } from './ledger-store.ts';
import type { LedgerAccount } from './ledger.types.ts';

export type VerificationProblemCode =
  | 'sequence_gap'
  | 'broken_link'
  | 'body_hash_mismatch'
  | 'hash_mismatch'
  | 'unknown_account'
  | 'currency_mismatch'
  | 'head_mismatch'
  | 'balance_mismatch'
  | 'below_zero'
  | 'currency_imbalance'
  | 'pending_state_mismatch';

export interface VerificationProblem {
  code: VerificationProblemCode;
  message: string;
  transferId?: string;
  sequence?: number;
  accountId?: string;
  currency?: string;
}

export type LedgerVerification =
  | { ok: true; transfers: number; accounts: number; lastSequence: number; lastHash: string }
  | { ok: false; problem: VerificationProblem };

const PAGE_SIZE = 5_000;

interface Totals {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

/**
 * Recomputes the ledger from its transfers alone: every row's body hash and chain link in sequence
 * order, then every account's four totals, the head, per-currency conservation and the open holds.
 * Stops at the first bad row and names it. Reads in keyset pages, so memory grows with accounts and
 * open pending transfers, not with history.
 */
export async function verifyLedger(pool: pg.Pool): Promise<LedgerVerification> {
  const accountRows = await pool.query<AccountRow>('select * from ledger_account');
  const accounts = new Map<string, LedgerAccount>(accountRows.rows.map((row) => [row.id, accountFromRow(row)]));
  const totals = new Map<string, Totals>();
  for (const id of accounts.keys()) totals.set(id, { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 });
  const openPendings = new Map<string, { debitAccountId: string; creditAccountId: string; amountMinor: number }>();

  let expectedSequence = 1;
  let runningHash = GENESIS_HASH;
  for (;;) {
    const page = await pool.query<TransferRow>(`select ${TRANSFER_COLUMNS} from ledger_transfer where sequence >= $1 order by sequence limit $2`, [expectedSequence, PAGE_SIZE]);
    for (const row of page.rows) {
      const transfer = transferFromRow(row);
      const where = { transferId: transfer.id, sequence: transfer.sequence };
      if (transfer.sequence !== expectedSequence) {
        return { ok: false, problem: { code: 'sequence_gap', message: `Expected sequence ${expectedSequence}, found ${transfer.sequence}.`, ...where } };
      }
      if (transfer.previousHash !== runningHash) {
        return { ok: false, problem: { code: 'broken_link', message: `Transfer ${transfer.id} does not link to its predecessor's hash.`, ...where } };
      }
      if (bodyHash(transfer) !== transfer.bodyHash) {
        return { ok: false, problem: { code: 'body_hash_mismatch', message: `Transfer ${transfer.id} was altered: its content no longer matches its body hash.`, ...where } };
      }
      if (chainHash(transfer.previousHash, transfer.sequence, transfer.createdAt, transfer.bodyHash) !== transfer.hash) {
        return { ok: false, problem: { code: 'hash_mismatch', message: `Transfer ${transfer.id} has a wrong chain hash.`, ...where } };
      }
      const debit = totals.get(transfer.debitAccountId);
      const credit = totals.get(transfer.creditAccountId);
      if (!debit || !credit) return { ok: false, problem: { code: 'unknown_account', message: `Transfer ${transfer.id} names an unknown account.`, ...where } };
      if (accounts.get(transfer.debitAccountId)!.currency !== transfer.currency || accounts.get(transfer.creditAccountId)!.currency !== transfer.currency) {
        return { ok: false, problem: { code: 'currency_mismatch', message: `Transfer ${transfer.id} is in another currency than its accounts.`, ...where } };
      }
      switch (transfer.kind) {
        case 'posted':
          debit.debitsPosted += transfer.amountMinor;
          credit.creditsPosted += transfer.amountMinor;
          break;
        case 'pending':
          debit.debitsPending += transfer.amountMinor;
          credit.creditsPending += transfer.amountMinor;
          openPendings.set(transfer.id, { debitAccountId: transfer.debitAccountId, creditAccountId: transfer.creditAccountId, amountMinor: transfer.amountMinor });
          break;
        default: {
          const pending = openPendings.get(transfer.pendingId ?? '');
          if (!pending) return { ok: false, problem: { code: 'pending_state_mismatch', message: `Transfer ${transfer.id} resolves no open pending transfer.`, ...where } };
          openPendings.delete(transfer.pendingId!);
          debit.debitsPending -= pending.amountMinor;
          credit.creditsPending -= pending.amountMinor;
          if (transfer.kind === 'post_pending') {
            debit.debitsPosted += transfer.amountMinor;
            credit.creditsPosted += transfer.amountMinor;
          }
        }
      }
      runningHash = transfer.hash;
      expectedSequence += 1;
    }
    if (page.rows.length < PAGE_SIZE) break;
  }
  const lastSequence = expectedSequence - 1;

  const head = (await pool.query<{ last_sequence: number; last_hash: string }>('select last_sequence, last_hash from ledger_head where id = 1')).rows[0];
  if (!head || head.last_sequence !== lastSequence || head.last_hash !== runningHash) {
    return { ok: false, problem: { code: 'head_mismatch', message: `The ledger head does not match the last transfer (sequence ${lastSequence}).`, sequence: lastSequence } };
  }

  const byCurrency = new Map<string, Totals>();
  for (const account of accounts.values()) {
    const computed = totals.get(account.id)!;
    for (const field of ['debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending'] as const) {
      if (computed[field] !== account[field]) {
        return {
          ok: false,
          problem: { code: 'balance_mismatch', message: `Account ${account.id} has ${field} ${account[field]}; its transfers add up to ${computed[field]}.`, accountId: account.id },
        };
      }
    }
    if (account.debitsMustNotExceedCredits && account.debitsPosted + account.debitsPending > account.creditsPosted) {
      return { ok: false, problem: { code: 'below_zero', message: `Account ${account.id} is below zero.`, accountId: account.id } };
    }
    const sums = byCurrency.get(account.currency) ?? { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };
    sums.debitsPosted += account.debitsPosted;
    sums.creditsPosted += account.creditsPosted;
    sums.debitsPending += account.debitsPending;
    sums.creditsPending += account.creditsPending;
    byCurrency.set(account.currency, sums);
  }
  for (const [currency, sums] of byCurrency) {
    if (sums.debitsPosted !== sums.creditsPosted || sums.debitsPending !== sums.creditsPending) {
      return { ok: false, problem: { code: 'currency_imbalance', message: `In ${currency}, debits and credits differ.`, currency } };
    }
  }

  const stillPending = await pool.query<{ transfer_id: string }>(`select transfer_id from ledger_pending where status = 'pending'`);
  const recorded = new Set(stillPending.rows.map((row) => row.transfer_id));
  for (const id of openPendings.keys()) {
    if (!recorded.has(id)) return { ok: false, problem: { code: 'pending_state_mismatch', message: `Pending transfer ${id} is open but not marked pending.`, transferId: id } };
  }
  if (recorded.size !== openPendings.size) {
    const stray = [...recorded].find((id) => !openPendings.has(id));
    return { ok: false, problem: { code: 'pending_state_mismatch', message: `Pending transfer ${stray} is marked pending but was resolved.`, transferId: stray } };
  }
  return { ok: true, transfers: lastSequence, accounts: accounts.size, lastSequence, lastHash: runningHash };
}
