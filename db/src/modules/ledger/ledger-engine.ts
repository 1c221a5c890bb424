import { isSupportedCurrency } from '../../money.ts';
import { bodyHash, canonicalValue } from './ledger-hash.ts';
import {
  TRANSFER_KINDS,
  type CorrectionTarget,
  type LedgerAccount,
  type LedgerErrorCode,
  type LedgerTransfer,
  type PendingState,
  type TransferBody,
  type TransferInput,
  type TransferKind,
  type TransferResult,
} from './ledger.types.ts';

/**
 * The rules of the ledger, applied in memory to state loaded under the locks of the accounts involved: no I/O here, so one
 * batch of thousands of transfers is decided in microseconds each and written with a few statements.
 */

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TIMEOUT_SECONDS = 2_147_483_647;
const MAX_METADATA_BYTES = 4_096;
const MAX_TEXT_LENGTH = 128;

export interface EngineState {
  existing: Map<string, LedgerTransfer>;
  accounts: Map<string, LedgerAccount>;
  pendings: Map<string, PendingState>;
  corrections: Map<string, CorrectionTarget>;
}

export interface EngineOutcome {
  results: TransferResult[];
  created: LedgerTransfer[];
  touchedAccountIds: Set<string>;
  /** Pending transfers created by this batch, in their final state (possibly already resolved). */
  newPendings: Map<string, PendingState>;
  /** Pending transfers from earlier batches that this batch resolved. */
  resolvedPendings: Map<string, PendingState>;
}

type Failure = { code: LedgerErrorCode; message: string; field?: string };
type Outcome = { status: 'created' | 'exists'; transfer: LedgerTransfer } | Failure;

const COMPARED_FIELDS = [
  'kind',
  'pendingId',
  'debitAccountId',
  'creditAccountId',
  'amountMinor',
  'currency',
  'timeoutSeconds',
  'linked',
  'reason',
  'referenceType',
  'referenceId',
  'correctsId',
  'metadata',
] as const satisfies readonly (keyof TransferBody)[];

function fail(code: LedgerErrorCode, message: string, field?: string): Failure {
  return field === undefined ? { code, message } : { code, message, field };
}

function isResolving(kind: TransferKind): kind is 'post_pending' | 'void_pending' | 'expire_pending' {
  return kind === 'post_pending' || kind === 'void_pending' || kind === 'expire_pending';
}

/** Ids compare in lower case, as PostgreSQL prints them; anything else is kept as is (and fails a check). */
function lowerUuid(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value.toLowerCase() : String(value);
}

function isPositiveAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isUuidText(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_TEXT_LENGTH;
}

/** The transfer's body after defaults; a post/void/expire takes what it omits from its pending transfer. */
export function normaliseBody(input: TransferInput, pending: PendingState | undefined): TransferBody {
  const kind = input.kind ?? 'posted';
  return {
    id: input.id.toLowerCase(),
    kind,
    pendingId: lowerUuid(input.pendingId),
    debitAccountId: lowerUuid(input.debitAccountId) ?? pending?.debitAccountId ?? '',
    creditAccountId: lowerUuid(input.creditAccountId) ?? pending?.creditAccountId ?? '',
    amountMinor: input.amountMinor ?? pending?.amountMinor ?? 0,
    currency: input.currency ?? pending?.currency ?? '',
    timeoutSeconds: input.timeoutSeconds ?? 0,
    linked: input.linked === true,
    reason: input.reason ?? pending?.reason ?? '',
    referenceType: input.referenceType ?? (pending ? pending.referenceType : null),
    referenceId: input.referenceId ?? (pending ? pending.referenceId : null),
    correctsId: lowerUuid(input.correctsId),
    metadata: input.metadata ?? {},
  };
}

function sameValue(field: (typeof COMPARED_FIELDS)[number], left: unknown, right: unknown): boolean {
  if (field === 'metadata') return JSON.stringify(canonicalValue(left)) === JSON.stringify(canonicalValue(right));
  return left === right;
}

function shapeFailure(input: TransferInput, kind: TransferKind): Failure | null {
  if (!(TRANSFER_KINDS as readonly string[]).includes(kind)) return fail('invalid_transfer', `kind must be one of ${TRANSFER_KINDS.join(', ')}.`, 'kind');
  const resolving = isResolving(kind);
  if (resolving) {
    if (!isUuidText(input.pendingId)) return fail('invalid_transfer', 'pendingId must name the pending transfer (a uuid).', 'pendingId');
  } else {
    if (input.pendingId !== undefined) return fail('invalid_transfer', 'pendingId is only for post_pending, void_pending and expire_pending.', 'pendingId');
    if (input.debitAccountId === undefined) return fail('invalid_transfer', 'debitAccountId is required.', 'debitAccountId');
    if (input.creditAccountId === undefined) return fail('invalid_transfer', 'creditAccountId is required.', 'creditAccountId');
    if (input.amountMinor === undefined) return fail('invalid_transfer', 'amountMinor is required.', 'amountMinor');
    if (input.currency === undefined) return fail('invalid_transfer', 'currency is required.', 'currency');
    if (input.reason === undefined) return fail('invalid_transfer', 'reason is required.', 'reason');
  }
  if (input.debitAccountId !== undefined && !isUuidText(input.debitAccountId)) return fail('invalid_transfer', 'debitAccountId must be a uuid.', 'debitAccountId');
  if (input.creditAccountId !== undefined && !isUuidText(input.creditAccountId)) return fail('invalid_transfer', 'creditAccountId must be a uuid.', 'creditAccountId');
  if (input.amountMinor !== undefined && !isPositiveAmount(input.amountMinor)) {
    return fail('invalid_transfer', 'amountMinor must be a positive safe integer (minor units).', 'amountMinor');
  }
  if (input.currency !== undefined && !(typeof input.currency === 'string' && isSupportedCurrency(input.currency))) {
    return fail('invalid_transfer', 'currency must be a supported ISO 4217 code.', 'currency');
  }
  if (input.timeoutSeconds !== undefined) {
    if (!Number.isSafeInteger(input.timeoutSeconds) || input.timeoutSeconds < 0 || input.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      return fail('invalid_transfer', 'timeoutSeconds must be a non-negative integer.', 'timeoutSeconds');
    }
    if (input.timeoutSeconds > 0 && kind !== 'pending') return fail('invalid_transfer', 'Only pending transfers have a timeout.', 'timeoutSeconds');
  }
  if (input.linked !== undefined && typeof input.linked !== 'boolean') return fail('invalid_transfer', 'linked must be a boolean.', 'linked');
  if (input.reason !== undefined && !(typeof input.reason === 'string' && /^[a-z][a-z0-9_.]{0,63}$/.test(input.reason))) {
    return fail('invalid_transfer', 'reason must be a code of lower-case letters, digits, dots and underscores (at most 64).', 'reason');
  }
  if (input.referenceType !== undefined && !isShortText(input.referenceType)) return fail('invalid_transfer', 'referenceType must be 1 to 128 characters.', 'referenceType');
  if (input.referenceId !== undefined && !isShortText(input.referenceId)) return fail('invalid_transfer', 'referenceId must be 1 to 128 characters.', 'referenceId');
  if (input.correctsId !== undefined) {
    if (!isUuidText(input.correctsId)) return fail('invalid_transfer', 'correctsId must be a uuid.', 'correctsId');
    if (kind !== 'posted') return fail('invalid_transfer', 'Only posted transfers may correct another transfer.', 'correctsId');
  }
  if (input.metadata !== undefined) {
    const isObject = input.metadata !== null && typeof input.metadata === 'object' && !Array.isArray(input.metadata);
    if (!isObject || JSON.stringify(input.metadata).length > MAX_METADATA_BYTES) {
      return fail('invalid_transfer', `metadata must be an object of at most ${MAX_METADATA_BYTES} bytes as JSON.`, 'metadata');
    }
  }
  return null;
}

/**
 * A new transfer: its body, and chain fields left for the sealer. Built field by field, not as `{ ...body,
 * sequence: null, … }`: Node 20's V8 leaves every object made by a spread with keys added to it for the
 * full (mark-compact) collector, and this runs once per transfer (docs/performance.md, "Spreads").
 */
function unsealedTransfer(body: TransferBody, now: Date): LedgerTransfer {
  return {
    id: body.id,
    kind: body.kind,
    pendingId: body.pendingId,
    debitAccountId: body.debitAccountId,
    creditAccountId: body.creditAccountId,
    amountMinor: body.amountMinor,
    currency: body.currency,
    timeoutSeconds: body.timeoutSeconds,
    linked: body.linked,
    reason: body.reason,
    referenceType: body.referenceType,
    referenceId: body.referenceId,
    correctsId: body.correctsId,
    metadata: body.metadata,
    sequence: null,
    bodyHash: bodyHash(body),
    previousHash: null,
    hash: null,
    createdAt: now,
  };
}

/** Decides a batch of transfers against the loaded state; mutates that state and returns what to write. */
export function decideTransfers(transfers: readonly TransferInput[], state: EngineState, now: Date): EngineOutcome {
  const nowMs = now.getTime();
  const outcome: EngineOutcome = {
    results: new Array(transfers.length),
    created: [],
    touchedAccountIds: new Set(),
    newPendings: new Map(),
    resolvedPendings: new Map(),
  };
  let undo: (() => void)[] = [];

  function adjust(account: LedgerAccount, field: 'debitsPosted' | 'creditsPosted' | 'debitsPending' | 'creditsPending', delta: number): void {
    account[field] += delta;
    outcome.touchedAccountIds.add(account.id);
    undo.push(() => {
      account[field] -= delta;
    });
  }

  function wouldOverflow(...totals: number[]): boolean {
    return totals.some((total) => total > Number.MAX_SAFE_INTEGER);
  }

  function create(body: TransferBody): LedgerTransfer {
    // Appended unsealed: the sealer gives the row its chain position after commit (ledger-sealer.ts).
    const transfer = unsealedTransfer(body, now);
    outcome.created.push(transfer);
    state.existing.set(transfer.id, transfer);
    // Every kind, as the load reads a stored one: a correction of a pending created earlier in this batch
    // is refused as not reversing, exactly as when the pending was created in an earlier batch.
    state.corrections.set(transfer.id, {
      id: transfer.id,
      kind: body.kind,
      debitAccountId: body.debitAccountId,
      creditAccountId: body.creditAccountId,
      amountMinor: body.amountMinor,
      reversedMinor: 0,
    });
    undo.push(() => {
      outcome.created.pop();
      state.existing.delete(transfer.id);
      state.corrections.delete(transfer.id);
    });
    return transfer;
  }

  function replay(input: TransferInput, stored: LedgerTransfer): Outcome {
    const kind = input.kind ?? 'posted';
    if (kind !== stored.kind) return conflict(stored, 'kind');
    if (lowerUuid(input.pendingId) !== stored.pendingId) return conflict(stored, 'pendingId');
    const pending = stored.pendingId ? state.pendings.get(stored.pendingId) : undefined;
    const body = normaliseBody(input, pending);
    for (const field of COMPARED_FIELDS) {
      if (!sameValue(field, body[field], stored[field])) return conflict(stored, field);
    }
    return { status: 'exists', transfer: stored };
  }

  function conflict(stored: LedgerTransfer, field: (typeof COMPARED_FIELDS)[number]): Failure {
    const original = field === 'metadata' ? JSON.stringify(stored.metadata) : JSON.stringify(stored[field]);
    return fail('id_reused_with_different_body', `Transfer ${stored.id} exists with a different ${field} (the original has ${original}).`, field);
  }

  function applyPostedOrPending(input: TransferInput, kind: 'posted' | 'pending'): Outcome {
    const body = normaliseBody(input, undefined);
    if (body.debitAccountId === body.creditAccountId) return fail('same_account', 'The debit and credit accounts must differ.', 'creditAccountId');
    const debit = state.accounts.get(body.debitAccountId);
    if (!debit) return fail('account_not_found', `No ledger account ${body.debitAccountId}.`, 'debitAccountId');
    const credit = state.accounts.get(body.creditAccountId);
    if (!credit) return fail('account_not_found', `No ledger account ${body.creditAccountId}.`, 'creditAccountId');
    if (debit.currency !== body.currency || credit.currency !== body.currency) {
      return fail('currency_mismatch', `The transfer is in ${body.currency}; the accounts are in ${debit.currency} and ${credit.currency}.`, 'currency');
    }
    let target: CorrectionTarget | undefined;
    if (body.correctsId) {
      target = state.corrections.get(body.correctsId);
      if (!target) return fail('correction_not_found', `No transfer ${body.correctsId} to correct.`, 'correctsId');
      if (target.kind === 'pending' || target.kind === 'void_pending' || target.kind === 'expire_pending') {
        return fail('correction_not_reversing', 'Only posted movements can be reversed; void a pending transfer instead.', 'correctsId');
      }
      if (body.debitAccountId !== target.creditAccountId || body.creditAccountId !== target.debitAccountId) {
        return fail('correction_not_reversing', 'A correction debits the original credit account and credits the original debit account.', 'debitAccountId');
      }
      const remainingMinor = target.amountMinor - target.reversedMinor;
      if (body.amountMinor > remainingMinor) {
        return fail('reversal_exceeds_remaining', `Only ${remainingMinor} of transfer ${target.id} remains to be reversed.`, 'amountMinor');
      }
    }
    if (debit.debitsMustNotExceedCredits && debit.debitsPosted + debit.debitsPending + body.amountMinor > debit.creditsPosted) {
      const availableMinor = debit.creditsPosted - debit.debitsPosted - debit.debitsPending;
      return fail('insufficient_funds', `Account ${debit.id} has ${availableMinor} available; ${body.amountMinor} was asked.`, 'amountMinor');
    }
    if (kind === 'posted' && wouldOverflow(debit.debitsPosted + body.amountMinor, credit.creditsPosted + body.amountMinor)) {
      return fail('overflow', 'An account total would pass the largest safe integer.', 'amountMinor');
    }
    if (kind === 'pending' && wouldOverflow(debit.debitsPending + body.amountMinor, credit.creditsPending + body.amountMinor)) {
      return fail('overflow', 'An account total would pass the largest safe integer.', 'amountMinor');
    }

    const transfer = create(body);
    if (kind === 'posted') {
      adjust(debit, 'debitsPosted', body.amountMinor);
      adjust(credit, 'creditsPosted', body.amountMinor);
    } else {
      adjust(debit, 'debitsPending', body.amountMinor);
      adjust(credit, 'creditsPending', body.amountMinor);
      const pending: PendingState = {
        transferId: transfer.id,
        debitAccountId: body.debitAccountId,
        creditAccountId: body.creditAccountId,
        amountMinor: body.amountMinor,
        currency: body.currency,
        timeoutAtMs: body.timeoutSeconds > 0 ? nowMs + body.timeoutSeconds * 1000 : null,
        status: 'pending',
        postedAmountMinor: 0,
        resolvedById: null,
        resolvedAtMs: null,
        reason: body.reason,
        referenceType: body.referenceType,
        referenceId: body.referenceId,
      };
      state.pendings.set(pending.transferId, pending);
      outcome.newPendings.set(pending.transferId, pending);
      undo.push(() => {
        state.pendings.delete(pending.transferId);
        outcome.newPendings.delete(pending.transferId);
      });
    }
    if (target) {
      const reversed = target;
      reversed.reversedMinor += body.amountMinor;
      undo.push(() => {
        reversed.reversedMinor -= body.amountMinor;
      });
    }
    return { status: 'created', transfer };
  }

  function applyResolution(input: TransferInput, kind: 'post_pending' | 'void_pending' | 'expire_pending'): Outcome {
    const pending = state.pendings.get(input.pendingId!.toLowerCase());
    if (!pending) return fail('pending_not_found', `No pending transfer ${input.pendingId}.`, 'pendingId');
    const body = normaliseBody(input, pending);
    if (body.debitAccountId !== pending.debitAccountId) return fail('pending_account_mismatch', 'debitAccountId differs from the pending transfer.', 'debitAccountId');
    if (body.creditAccountId !== pending.creditAccountId) return fail('pending_account_mismatch', 'creditAccountId differs from the pending transfer.', 'creditAccountId');
    if (body.currency !== pending.currency) return fail('currency_mismatch', `The pending transfer is in ${pending.currency}.`, 'currency');
    if (pending.status === 'posted') return fail('pending_already_posted', `Pending transfer ${pending.transferId} is already posted.`, 'pendingId');
    if (pending.status === 'voided') return fail('pending_already_voided', `Pending transfer ${pending.transferId} is already voided.`, 'pendingId');
    if (pending.status === 'expired') return fail('pending_expired', `Pending transfer ${pending.transferId} has expired.`, 'pendingId');
    const timedOut = pending.timeoutAtMs !== null && nowMs >= pending.timeoutAtMs;
    if (kind === 'expire_pending' && !timedOut) return fail('pending_not_expired', `Pending transfer ${pending.transferId} has not reached its timeout.`, 'pendingId');
    if (kind !== 'expire_pending' && timedOut) return fail('pending_expired', `Pending transfer ${pending.transferId} has expired.`, 'pendingId');
    if (kind === 'post_pending' && body.amountMinor > pending.amountMinor) {
      return fail('exceeds_pending_amount', `The pending transfer holds ${pending.amountMinor}; ${body.amountMinor} cannot be posted.`, 'amountMinor');
    }
    if (kind !== 'post_pending' && body.amountMinor !== pending.amountMinor) {
      return fail('exceeds_pending_amount', `A void releases the whole pending amount (${pending.amountMinor}).`, 'amountMinor');
    }
    const debit = state.accounts.get(pending.debitAccountId);
    const credit = state.accounts.get(pending.creditAccountId);
    if (!debit || !credit) throw new Error(`Invariant violated: the accounts of pending transfer ${pending.transferId} were not loaded`);
    if (kind === 'post_pending' && wouldOverflow(debit.debitsPosted + body.amountMinor, credit.creditsPosted + body.amountMinor)) {
      return fail('overflow', 'An account total would pass the largest safe integer.', 'amountMinor');
    }

    const transfer = create(body);
    adjust(debit, 'debitsPending', -pending.amountMinor);
    adjust(credit, 'creditsPending', -pending.amountMinor);
    if (kind === 'post_pending') {
      adjust(debit, 'debitsPosted', body.amountMinor);
      adjust(credit, 'creditsPosted', body.amountMinor);
    }
    const before = { ...pending };
    pending.status = kind === 'post_pending' ? 'posted' : kind === 'void_pending' ? 'voided' : 'expired';
    pending.postedAmountMinor = kind === 'post_pending' ? body.amountMinor : 0;
    pending.resolvedById = transfer.id;
    pending.resolvedAtMs = nowMs;
    const isNew = outcome.newPendings.has(pending.transferId);
    if (!isNew) outcome.resolvedPendings.set(pending.transferId, pending);
    undo.push(() => {
      Object.assign(pending, before);
      if (!isNew) outcome.resolvedPendings.delete(pending.transferId);
    });
    return { status: 'created', transfer };
  }

  function applyOne(input: TransferInput): Outcome {
    if (!isUuidText(input.id)) return fail('invalid_transfer', 'id must be a uuid chosen by the caller.', 'id');
    const stored = state.existing.get(input.id.toLowerCase());
    if (stored) return replay(input, stored);
    const kind = input.kind ?? 'posted';
    const shape = shapeFailure(input, kind);
    if (shape) return shape;
    return isResolving(kind) ? applyResolution(input, kind) : applyPostedOrPending(input, kind as 'posted' | 'pending');
  }

  let chainStart = 0;
  while (chainStart < transfers.length) {
    let chainEnd = chainStart;
    while (chainEnd < transfers.length - 1 && transfers[chainEnd]!.linked === true) chainEnd += 1;
    const chainOpen = transfers[chainEnd]!.linked === true;
    undo = [];
    let failedAt = -1;
    let failure: Failure | null = null;
    if (chainOpen) {
      failedAt = chainEnd;
      failure = fail('linked_event_chain_open', 'The last transfer of a submission may not be linked to a next one.', 'linked');
    } else {
      for (let index = chainStart; index <= chainEnd; index += 1) {
        const result = applyOne(transfers[index]!);
        if ('code' in result) {
          failedAt = index;
          failure = result;
          break;
        }
        outcome.results[index] = { id: transfers[index]!.id, ...result };
      }
    }
    if (failure) {
      for (let step = undo.length - 1; step >= 0; step -= 1) undo[step]!();
      for (let index = chainStart; index <= chainEnd; index += 1) {
        const id = String(transfers[index]!.id);
        outcome.results[index] =
          index === failedAt
            ? { id, status: 'failed', ...failure }
            : { id, status: 'failed', code: 'linked_event_failed', message: `Transfer ${transfers[failedAt]!.id} of the same linked chain failed.` };
      }
    }
    chainStart = chainEnd + 1;
  }
  return outcome;
}
