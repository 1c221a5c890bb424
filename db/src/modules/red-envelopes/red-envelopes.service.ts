import { containsPattern } from '../../search-pattern.ts';
import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { IdempotencyRaceLost, isUniqueViolation, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import { newId } from '../../ids.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import type { CurrencyCode } from '../../money.ts';
import { addToOutbox, type OutboxJob } from '../../outbox/outbox.ts';
import { withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { legId } from '../ledger/ledger-recipes.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { GroupProofInput } from '../shoppers/shoppers.schemas.ts';
import type { ShoppersService } from '../shoppers/shoppers.service.ts';
import { drawShares } from './red-envelope-shares.ts';
import { RedEnvelopeExhaustedError, RedEnvelopeExpiredError } from './red-envelopes.errors.ts';
import type {
  MerchantRedEnvelope,
  MerchantRedEnvelopeCreateInput,
  RedEnvelope,
  RedEnvelopeClaim,
  RedEnvelopeTransfer,
  ShopperRedEnvelopeCreateInput,
} from './red-envelopes.schemas.ts';

export interface RedEnvelopesDependencies {
  database: Database;
  ledger: LedgerService;
  shoppers: ShoppersService;
  config: Pick<Config, 'redEnvelopes'>;
}

type Sender = { type: 'shopper'; shopperId: string } | { type: 'merchant'; merchantId: string };

type EnvelopeRow = Omit<RedEnvelope, 'claims'> & { idempotencyRequest: Record<string, unknown> };

const ENVELOPE_COLUMNS = `id, sender_type as "senderType", sender_shopper_id as "senderShopperId", merchant_id as "merchantId", group_key as "groupKey",
  mode, currency, amount_minor::int as "amountMinor", share_count as "shareCount", claimed_count as "claimedCount", claimed_minor::int as "claimedMinor",
  message, status, expires_at as "expiresAt", returned_minor::int as "returnedMinor", returned_at as "returnedAt", fund_transfer_id as "fundTransferId",
  return_transfer_id as "returnTransferId", created_at as "createdAt", idempotency_request as "idempotencyRequest"`;

export type RedEnvelopeReturnOutcome =
  | { status: 'returned'; returnedMinor: number }
  | { status: 'not_due'; dueAt: Date }
  | { status: 'unchanged'; reason: string };

/** The delayed job that gives the unclaimed rest back (deterministic id: one per envelope). */
export function redEnvelopeReturnJob(envelopeId: string, dueAt: Date): OutboxJob {
  return { name: 'red_envelope.return', key: envelopeId, payload: { envelopeId }, runAt: dueAt };
}

/** The claim leg's event id: one per (envelope, claimer), as the share table allows one share per claimer. */
function claimEventId(envelopeId: string, shopperId: string): string {
  return `${envelopeId}:claim:${shopperId}`;
}

/**
 * Red envelopes (docs/social.md): money put into N shares for a chat group. The whole amount moves into
 * the envelope's own ledger account (red_envelope_hold) when it is created, in the transaction that
 * stores the shares; each claim posts its share to the claimer's wallet in the transaction that takes
 * the share; the `red_envelope.return` job posts the unclaimed rest back to the sender after the deadline.
 * Claims and the return serialise on the envelope's row lock, so the rest is computed once, exactly.
 */
export class RedEnvelopesService {
  constructor(private readonly dependencies: RedEnvelopesDependencies) {}

  /** A shopper sends from the wallet to a group they prove they belong to. */
  async createByShopper(actor: ShopperActor, input: ShopperRedEnvelopeCreateInput & { idempotencyKey: string }): Promise<RedEnvelope & { replayed: boolean }> {
    this.assertLimits(input);
    const groupKey = await this.dependencies.shoppers.proveGroup(actor, input.group);
    return this.create({ type: 'shopper', shopperId: actor.shopperId }, groupKey, input);
  }

  /** A merchant sends a promotion from its available balance to a group its chat host vouches for. */
  async createByMerchant(actor: MerchantActor, input: MerchantRedEnvelopeCreateInput & { idempotencyKey: string }): Promise<MerchantRedEnvelope & { replayed: boolean }> {
    this.assertLimits(input);
    const groupKey = await this.dependencies.shoppers.proveGroup(null, input.group);
    const created = await this.create({ type: 'merchant', merchantId: actor.merchantId }, groupKey, input);
    return { ...created, transfers: await this.transfers(created.id) };
  }

  private assertLimits(input: { amountMinor: number; shareCount: number }): void {
    const { maxAmountMinor, maxShares } = this.dependencies.config.redEnvelopes;
    if (input.shareCount > maxShares) throw new ValidationError({ shareCount: `must be at most ${maxShares}` });
    if (input.amountMinor > maxAmountMinor) throw new ValidationError({ amountMinor: `must be at most ${maxAmountMinor}` });
    if (input.amountMinor < input.shareCount) throw new ValidationError({ amountMinor: 'must be at least one minor unit per share' });
  }

  private async create(
    sender: Sender,
    groupKey: string,
    input: ShopperRedEnvelopeCreateInput & { idempotencyKey: string },
  ): Promise<RedEnvelope & { replayed: boolean }> {
    const { database, ledger, config } = this.dependencies;
    // The group is part of the request: the same key sent to another group is another request (409).
    const request = { groupKey, mode: input.mode, currency: input.currency, amountMinor: input.amountMinor, shareCount: input.shareCount, message: input.message ?? null };
    const { result, replayed } = await runIdempotent<RedEnvelope>({
      key: input.idempotencyKey,
      request,
      find: (key) => this.findEarlier(sender, key),
      perform: async () => {
        const id = newId();
        const shares = drawShares(input.mode, input.amountMinor, input.shareCount);
        // Built (and the accounts opened) before the transaction, so it never waits on a second connection.
        const legs = await ledger.recipes.redEnvelopeFund({
          eventId: id,
          envelopeId: id,
          currency: input.currency as CurrencyCode,
          amountMinor: input.amountMinor,
          ...(sender.type === 'shopper' ? { senderShopperId: sender.shopperId } : { senderMerchantId: sender.merchantId }),
        });
        await withPoolTransaction(database.pool, async (client) => {
          const { rows } = await client.query<{ expiresAt: Date }>(
            `insert into red_envelope (id, sender_type, sender_shopper_id, merchant_id, group_key, mode, currency, amount_minor, share_count, message, expires_at,
                                       fund_transfer_id, idempotency_key, idempotency_request)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() + make_interval(secs => $11), $12, $13, $14)
             on conflict do nothing
             returning expires_at as "expiresAt"`,
            [
              id,
              sender.type,
              sender.type === 'shopper' ? sender.shopperId : null,
              sender.type === 'merchant' ? sender.merchantId : null,
              groupKey,
              input.mode,
              input.currency,
              input.amountMinor,
              input.shareCount,
              input.message ?? null,
              config.redEnvelopes.expirySeconds,
              legs[0]!.id,
              input.idempotencyKey,
              JSON.stringify(request),
            ],
          );
          const inserted = rows[0];
          if (!inserted) throw new IdempotencyRaceLost();
          await client.query(
            `insert into red_envelope_share (envelope_id, position, amount_minor)
             select $1, ordinality - 1, amount from unnest($2::bigint[]) with ordinality as share(amount, ordinality)`,
            [id, shares],
          );
          await addToOutbox(client, {
            type: 'red_envelope.created',
            aggregateType: 'red_envelope',
            aggregateId: id,
            merchantId: sender.type === 'merchant' ? sender.merchantId : null,
            payload: { envelopeId: id, groupKey, senderType: sender.type, currency: input.currency, amountMinor: input.amountMinor, shareCount: input.shareCount, expiresAt: inserted.expiresAt.toISOString() },
            jobs: [redEnvelopeReturnJob(id, inserted.expiresAt)],
          });
          // Last: the ledger's account locks are held until this transaction commits. Too little money: the
          // ledger refuses (insufficient_funds, 422) and the envelope rolls back with it.
          await ledger.recordInTransaction(client, legs);
        });
        return this.view(database.pool, id);
      },
    });
    return { ...result, replayed };
  }

  private async findEarlier(sender: Sender, key: string): Promise<EarlierRequest<RedEnvelope> | null> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string; request: Record<string, unknown> }>(
      sender.type === 'shopper'
        ? `select id, idempotency_request as request from red_envelope where sender_type = 'shopper' and sender_shopper_id = $1 and idempotency_key = $2`
        : `select id, idempotency_request as request from red_envelope where sender_type = 'merchant' and merchant_id = $1 and idempotency_key = $2`,
      [sender.type === 'shopper' ? sender.shopperId : sender.merchantId, key],
    );
    const found = rows[0];
    if (!found) return null;
    return { request: found.request, answer: () => this.view(this.dependencies.database.pool, found.id) };
  }

  /** An envelope with its claims so far. Anyone signed in who has its id (it is shared into the group) may look. */
  async get(_actor: ShopperActor, id: string): Promise<RedEnvelope> {
    return this.view(this.dependencies.database.pool, id);
  }

  /** The latest envelopes of a group the shopper proves they are in. */
  async listForGroup(actor: ShopperActor, group: GroupProofInput): Promise<RedEnvelope[]> {
    const groupKey = await this.dependencies.shoppers.proveGroup(actor, group);
    const { rows } = await this.dependencies.database.pool.query<{ id: string }>(`select id from red_envelope where group_key = $1 order by created_at desc limit 50`, [groupKey]);
    return Promise.all(rows.map((row) => this.view(this.dependencies.database.pool, row.id)));
  }

  /**
   * A member of the group takes the next unclaimed share. Never read-then-write: the envelope's counter
   * is raised by a conditional update (open, not expired, a share left) that also takes the row lock,
   * the share is taken by a conditional update of the first unclaimed one, and the unique
   * (envelope, claimer) index refuses a second share to the same shopper. The share's ledger leg posts in
   * the same transaction. A shopper who claimed before gets the same claim again (duplicate: true).
   */
  async claim(actor: ShopperActor, envelopeId: string, group: GroupProofInput): Promise<{ claim: RedEnvelopeClaim; envelope: RedEnvelope; duplicate: boolean }> {
    const { database, ledger } = this.dependencies;
    const groupKey = await this.dependencies.shoppers.proveGroup(actor, group);
    const { rows: found } = await database.pool.query<{ groupKey: string; currency: CurrencyCode; merchantId: string | null }>(
      `select group_key as "groupKey", currency, merchant_id as "merchantId" from red_envelope where id = $1`,
      [envelopeId],
    );
    const envelope = found[0];
    // Another group's envelope does not exist for this shopper.
    if (!envelope || envelope.groupKey !== groupKey) throw new NotFoundError('red_envelope', envelopeId);
    const earlier = await this.claimOf(database.pool, envelopeId, actor.shopperId);
    if (earlier) return { claim: earlier, envelope: await this.view(database.pool, envelopeId), duplicate: true };

    // Opened before the transaction: the recipe inside then finds both accounts in the ledger's cache.
    await ledger.openAccount({ kind: 'shopper_wallet', currency: envelope.currency, ownerId: actor.shopperId });
    await ledger.openAccount({ kind: 'red_envelope_hold', currency: envelope.currency, ownerId: envelopeId, ...(envelope.merchantId ? { merchantId: envelope.merchantId } : {}) });

    const eventId = claimEventId(envelopeId, actor.shopperId);
    let duplicate = false;
    try {
      await withPoolTransaction(database.pool, async (client) => {
        const { rows: counted } = await client.query(
          `update red_envelope set claimed_count = claimed_count + 1, updated_at = now()
            where id = $1 and status = 'open' and expires_at > now() and claimed_count < share_count
            returning id`,
          [envelopeId],
        );
        if (!counted[0]) throw await this.refusal(client, envelopeId);
        const transferId = legId(eventId, 'claim');
        const { rows: taken } = await client.query<{ position: number; amountMinor: number }>(
          `update red_envelope_share share set claimed_by_shopper_id = $2, claimed_at = now(), claim_transfer_id = $3
             from (select position from red_envelope_share where envelope_id = $1 and claimed_by_shopper_id is null
                    order by position limit 1 for update skip locked) next
            where share.envelope_id = $1 and share.position = next.position
            returning share.position, share.amount_minor::int as "amountMinor"`,
          [envelopeId, actor.shopperId, transferId],
        );
        const share = taken[0];
        if (!share) throw new Error(`Invariant violated: red envelope ${envelopeId} counted a share that is not there`);
        await client.query(
          `update red_envelope set claimed_minor = claimed_minor + $2, status = case when claimed_count = share_count then 'claimed' else status end where id = $1`,
          [envelopeId, share.amountMinor],
        );
        await addToOutbox(client, {
          type: 'red_envelope.claimed',
          aggregateType: 'red_envelope',
          aggregateId: envelopeId,
          merchantId: envelope.merchantId,
          payload: { envelopeId, groupKey, shopperId: actor.shopperId, position: share.position, amountMinor: share.amountMinor, currency: envelope.currency },
        });
        const legs = await ledger.recipes.redEnvelopeClaim({ eventId, envelopeId, claimerShopperId: actor.shopperId, currency: envelope.currency, amountMinor: share.amountMinor });
        await ledger.recordInTransaction(client, legs);
      });
    } catch (error) {
      // The same shopper claiming twice at once: the twin holds the share; answer with it.
      if (!isUniqueViolation(error, 'red_envelope_share_claimer_index')) throw error;
      duplicate = true;
    }
    const claim = await this.claimOf(database.pool, envelopeId, actor.shopperId);
    if (!claim) throw new Error(`Invariant violated: the claim of ${actor.shopperId} on ${envelopeId} committed but cannot be read`);
    return { claim, envelope: await this.view(database.pool, envelopeId), duplicate };
  }

  private async refusal(client: Queryable, envelopeId: string): Promise<Error> {
    const { rows } = await client.query<{ status: string; expired: boolean }>(`select status, expires_at <= now() as expired from red_envelope where id = $1`, [envelopeId]);
    const row = rows[0];
    if (!row) return new NotFoundError('red_envelope', envelopeId);
    if (row.status === 'claimed') return new RedEnvelopeExhaustedError();
    return new RedEnvelopeExpiredError();
  }

  /**
   * The `red_envelope.return` job: after the deadline, the unclaimed rest goes back to the sender, once.
   * The envelope row is locked and `status` moves from open to returned in the transaction that posts
   * the leg (whose id derives from the envelope's), so a second worker, a retry or the sweeper's copy
   * finds it returned. A fully claimed envelope has nothing to return.
   */
  async returnUnclaimed(envelopeId: string): Promise<RedEnvelopeReturnOutcome> {
    const { database, ledger } = this.dependencies;
    const { rows: found } = await database.pool.query<{ currency: CurrencyCode; senderShopperId: string | null; merchantId: string | null }>(
      `select currency, sender_shopper_id as "senderShopperId", merchant_id as "merchantId" from red_envelope where id = $1`,
      [envelopeId],
    );
    const unlocked = found[0];
    if (!unlocked) throw new NotFoundError('red_envelope', envelopeId);
    const sender = unlocked.merchantId ? { senderMerchantId: unlocked.merchantId } : { senderShopperId: unlocked.senderShopperId! };
    // Both accounts opened before the lock (the recipe then finds them cached).
    await ledger.recipes.redEnvelopeReturn({ eventId: envelopeId, envelopeId, currency: unlocked.currency, amountMinor: 1, ...sender });

    return withPoolTransaction(database.pool, async (client) => {
      const { rows } = await client.query<{ status: string; amountMinor: number; claimedMinor: number; expiresAt: Date; due: boolean }>(
        `select status, amount_minor::int as "amountMinor", claimed_minor::int as "claimedMinor", expires_at as "expiresAt", expires_at <= now() as due
           from red_envelope where id = $1 for update`,
        [envelopeId],
      );
      const envelope = rows[0]!;
      if (envelope.status !== 'open') return { status: 'unchanged', reason: `status is ${envelope.status}` };
      if (!envelope.due) return { status: 'not_due', dueAt: envelope.expiresAt };
      const returnedMinor = envelope.amountMinor - envelope.claimedMinor;
      const legs = returnedMinor > 0 ? await ledger.recipes.redEnvelopeReturn({ eventId: envelopeId, envelopeId, currency: unlocked.currency, amountMinor: returnedMinor, ...sender }) : [];
      await client.query(
        `update red_envelope set status = 'returned', returned_minor = $2, returned_at = now(), return_transfer_id = $3, updated_at = now() where id = $1`,
        [envelopeId, returnedMinor, legs[0]?.id ?? null],
      );
      await addToOutbox(client, {
        type: 'red_envelope.returned',
        aggregateType: 'red_envelope',
        aggregateId: envelopeId,
        merchantId: unlocked.merchantId,
        payload: { envelopeId, returnedMinor, currency: unlocked.currency, ...sender },
      });
      if (legs.length) await ledger.recordInTransaction(client, legs);
      return { status: 'returned', returnedMinor };
    });
  }

  /** The merchant's envelopes (newest first), each with the ledger transfers behind it. */
  async listForMerchant(actor: MerchantActor, query: ListQuery<{ id?: string[]; status?: string; q?: string }>): Promise<ListPage<MerchantRedEnvelope>> {
    const { pool } = this.dependencies.database;
    const conditions = ['merchant_id = $1'];
    const values: unknown[] = [actor.merchantId];
    if (query.filter.id) conditions.push(`id = any($${values.push(query.filter.id)}::uuid[])`);
    if (query.filter.status) conditions.push(`status = $${values.push(query.filter.status)}`);
    if (query.filter.q) conditions.push(`message ilike $${values.push(containsPattern(query.filter.q))}`);
    const sortColumn = query.sortField === 'id' ? 'id' : 'created_at';
    const { rows } = await pool.query<{ id: string; total: number }>(
      `select id, count(*) over ()::int as total from red_envelope where ${conditions.join(' and ')}
        order by ${sortColumn} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'}, id offset ${query.offset} limit ${query.limit}`,
      values,
    );
    const items = await Promise.all(rows.map((row) => this.getForMerchant(actor, row.id)));
    return { items, total: rows[0]?.total ?? 0, offset: query.offset };
  }

  async getForMerchant(actor: MerchantActor, id: string): Promise<MerchantRedEnvelope> {
    const envelope = await this.view(this.dependencies.database.pool, id);
    if (envelope.merchantId !== actor.merchantId) throw new NotFoundError('red_envelope', id);
    return { ...envelope, transfers: await this.transfers(id) };
  }

  private async transfers(envelopeId: string): Promise<RedEnvelopeTransfer[]> {
    const { rows } = await this.dependencies.database.pool.query<RedEnvelopeTransfer>(
      `select id, kind, reason, debit_account_id as "debitAccountId", credit_account_id as "creditAccountId", amount_minor::int as "amountMinor", currency, created_at as "createdAt"
         from ledger_transfer where reference_type = 'red_envelope' and reference_id = $1 order by sequence`,
      [envelopeId],
    );
    return rows;
  }

  private async claimOf(queryable: Queryable, envelopeId: string, shopperId: string): Promise<RedEnvelopeClaim | null> {
    const { rows } = await queryable.query<RedEnvelopeClaim>(
      `select share.position, share.claimed_by_shopper_id as "shopperId", shopper.display_name as "displayName", share.amount_minor::int as "amountMinor", share.claimed_at as "claimedAt"
         from red_envelope_share share join shopper on shopper.id = share.claimed_by_shopper_id
        where share.envelope_id = $1 and share.claimed_by_shopper_id = $2`,
      [envelopeId, shopperId],
    );
    return rows[0] ?? null;
  }

  private async view(queryable: Queryable, id: string): Promise<RedEnvelope> {
    const { rows } = await queryable.query<EnvelopeRow>(`select ${ENVELOPE_COLUMNS} from red_envelope where id = $1`, [id]);
    const row = rows[0];
    if (!row) throw new NotFoundError('red_envelope', id);
    const { rows: claims } = await queryable.query<RedEnvelopeClaim>(
      `select share.position, share.claimed_by_shopper_id as "shopperId", shopper.display_name as "displayName", share.amount_minor::int as "amountMinor", share.claimed_at as "claimedAt"
         from red_envelope_share share join shopper on shopper.id = share.claimed_by_shopper_id
        where share.envelope_id = $1 order by share.claimed_at, share.position`,
      [id],
    );
    const { idempotencyRequest: _request, ...envelope } = row;
    return { ...envelope, claims };
  }
}

