import { newId } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import type { LedgerService } from './ledger.service.ts';
import type { LedgerAccount, TransferInput, TransferResult } from './ledger.types.ts';

/** A clock the tests move by hand, so that timeouts and expiry need no sleeping. */
export class ManualClock {
  constructor(private currentMs = Date.now()) {}
  now = (): Date => new Date(this.currentMs);
  advanceSeconds(seconds: number): void {
    this.currentMs += seconds * 1000;
  }
}

/** A fresh shopper wallet, funded from the world account when a balance is given. */
export async function fundedWallet(ledger: LedgerService, balanceMinor: number, currency: CurrencyCode = 'EUR'): Promise<LedgerAccount> {
  const wallet = await ledger.openAccount({ kind: 'shopper_wallet', currency, ownerId: newId() });
  if (balanceMinor > 0) {
    const world = await ledger.openAccount({ kind: 'world', currency });
    await ledger.record([{ id: newId(), debitAccountId: world.id, creditAccountId: wallet.id, amountMinor: balanceMinor, currency, reason: 'top_up' }]);
  }
  return wallet;
}

export function payment(from: LedgerAccount, to: LedgerAccount, amountMinor: number, extra: Partial<TransferInput> = {}): TransferInput {
  return { id: newId(), debitAccountId: from.id, creditAccountId: to.id, amountMinor, currency: from.currency, reason: 'test_payment', ...extra };
}

export function codes(results: TransferResult[]): string[] {
  return results.map((result) => (result.status === 'failed' ? result.code : result.status));
}
