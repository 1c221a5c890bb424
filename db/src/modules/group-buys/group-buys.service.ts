import type { Actor, MerchantActor, ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { IdempotencyRaceLost, isUniqueViolation, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import { newId } from '../../ids.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import type { CurrencyCode } from '../../money.ts';
import { addToOutbox, type OutboxJob } from '../../outbox/outbox.ts';
import { withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { containsPattern } from '../../search-pattern.ts';
import { LedgerTransferError } from '../ledger/ledger.errors.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { TransferInput } from '../ledger/ledger.types.ts';
import { releaseStock } from '../orders/stock-reservations.ts';
import { insertTeamOrders } from './group-buy-orders.ts';
import {
  GroupBuyClosedError,
  GroupBuyInsufficientFundsError,
  GroupBuyOutOfStockError,
  GroupBuyTeamExpiredError,
  GroupBuyTeamFullError,
} from './group-buys.errors.ts';
import type {
  GroupBuy,
  GroupBuyCreateInput,
  GroupBuyMember,
  GroupBuyTeam,
  GroupBuyTransfer,
  MerchantGroupBuy,
  MerchantGroupBuyTeam,
} from './group-buys.schemas.ts';

export interface GroupBuysDependencies {
  database: Database;
  ledger: LedgerService;
  config: Pick<Config, 'groupBuys'>;
}

export type GroupBuyTeamExpiryOutcome =
  | { status: 'expired'; releasedHolds: number }
  | { status: 'not_due'; dueAt: Date }
  | { status: 'unchanged'; reason: string };

/** The delayed job that closes a team whose window ran out (deterministic id: one per team). */
export function groupBuyTeamExpireJob(teamId: string, dueAt: Date): OutboxJob {
  return { name: 'group_buy.expire', key: teamId, payload: { teamId }, runAt: dueAt };
}

/** The hold leg's event id: one per (team, shopper), as the member table allows one seat per shopper. */
function holdEventId(teamId: string, shopperId: string): string {
  return `${teamId}:member:${shopperId}`;
}

const SYSTEM: Actor = { type: 'system', process: 'group_buy' };

const OFFER_COLUMNS = `group_buy.id, group_buy.merchant_id as "merchantId", group_buy.shop_id as "shopId", shop.slug as "shopSlug", shop.name as "shopName",
  group_buy.variant_id as "variantId", variant.product_id as "productId", product.title as "productTitle", variant.title as "variantTitle",
  product.images -> 0 ->> 'url' as "imageUrl", group_buy.currency, variant.price_minor::int as "regularPriceMinor",
  group_buy.team_price_minor::int as "teamPriceMinor", group_buy.team_size as "teamSize", group_buy.window_seconds as "windowSeconds",
  group_buy.team_cap as "teamCap", group_buy.opened_teams as "openedTeams", group_buy.status, group_buy.created_at as "createdAt"`;
const OFFER_FROM = `group_buy join shop on shop.id = group_buy.shop_id join variant on variant.id = group_buy.variant_id join product on product.id = variant.product_id`;

const TEAM_COLUMNS = `id, group_buy_id as "groupBuyId", leader_shopper_id as "leaderShopperId", team_size as "teamSize", member_count as "memberCount", status,
  expires_at as "expiresAt", formed_at as "formedAt", expired_at as "expiredAt", created_at as "createdAt"`;

type TeamRow = Omit<GroupBuyTeam, 'members' | 'groupBuy'>;

/** The facts a join needs about a team and its offer, read before the transaction. */
interface TeamFacts {
  teamId: string;
  groupBuyId: string;
  merchantId: string;
  shopId: string;
  variantId: string;
  currency: CurrencyCode;
  teamPriceMinor: number;
}

/**
 * Group buys (docs/social.md §2). A merchant offers a team price for a variant; a shopper opens a team
 * by paying from the wallet, friends join through the shared link and pay the same way. Each member's
 * money is a pending ledger transfer wallet -> escrow; the team's stock (team_size units) is reserved
 * when it opens. The N-th member's join posts every hold as one linked chain and writes every member's
 * order `paid` at the team price, in one transaction; a team whose window closes first has every hold
 * voided and its stock released by the `group_buy.expire` job (and the sweeper), once.
 *
 * Joins never read-then-write: the team's counter rises by a conditional update (open, in its window,
 * a seat left) that also takes the row lock; the unique (team, shopper) key refuses a second seat; the
 * ledger legs go last, so a wallet too small rolls the seat back with them.
 */
export class GroupBuysService {
  constructor(private readonly dependencies: GroupBuysDependencies) {}

  /** The merchant offers a team price for one of its variants. Idempotency-Key required. */
  async create(actor: MerchantActor, input: GroupBuyCreateInput & { idempotencyKey: string }): Promise<MerchantGroupBuy & { replayed: boolean }> {
    const { pool } = this.dependencies.database;
    const request = { variantId: input.variantId, teamPriceMinor: input.teamPriceMinor, teamSize: input.teamSize ?? 2, windowSeconds: input.windowSeconds ?? 86_400, teamCap: input.teamCap };
    const { minWindowSeconds } = this.dependencies.config.groupBuys;
    if (request.windowSeconds < minWindowSeconds) throw new ValidationError({ windowSeconds: `must be at least ${minWindowSeconds}` });
    const { result, replayed } = await runIdempotent<MerchantGroupBuy>({
      key: input.idempotencyKey,
      request,
      find: (key) => this.findEarlierOffer(actor.merchantId, key),
      perform: async () => {
        const { rows: variants } = await pool.query<{ shopId: string; currency: string; priceMinor: number }>(
          `select product.shop_id as "shopId", shop.currency, variant.price_minor::int as "priceMinor"
             from variant join product on product.id = variant.product_id join shop on shop.id = product.shop_id
            where variant.id = $1 and variant.merchant_id = $2`,
          [input.variantId, actor.merchantId],
        );
        const variant = variants[0];
        if (!variant) throw new ValidationError({ variantId: 'is not a variant of this merchant' }, 'variant_not_found');
        if (request.teamPriceMinor >= variant.priceMinor) throw new ValidationError({ teamPriceMinor: `must be below the variant's price (${variant.priceMinor})` });
        const id = newId();
        const { rows } = await pool.query(
          `insert into group_buy (id, merchant_id, shop_id, variant_id, currency, team_price_minor, team_size, window_seconds, team_cap, idempotency_key, idempotency_request)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           on conflict do nothing returning id`,
          [id, actor.merchantId, variant.shopId, input.variantId, variant.currency.trim(), request.teamPriceMinor, request.teamSize, request.windowSeconds, request.teamCap, input.idempotencyKey, JSON.stringify(request)],
        );
        if (!rows[0]) throw new IdempotencyRaceLost();
        return this.getForMerchant(actor, id);
      },
    });
    return { ...result, replayed };
  }

  private async findEarlierOffer(merchantId: string, key: string): Promise<EarlierRequest<MerchantGroupBuy> | null> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string; request: Record<string, unknown> }>(
      `select id, idempotency_request as request from group_buy where merchant_id = $1 and idempotency_key = $2`,
      [merchantId, key],
    );
    const found = rows[0];
    if (!found) return null;
    return { request: found.request, answer: () => this.merchantOffer(this.dependencies.database.pool, merchantId, found.id, true) };
  }

  /** The offer as the store shows it (anyone with the link). */
  async getOffer(id: string): Promise<GroupBuy> {
    return this.offer(this.dependencies.database.pool, id);
  }

  /**
   * A shopper opens a team by paying the team price from the wallet (held). The offer's team counter
   * rises under its cap and the team's units are reserved, both by conditional updates; the hold goes
   * last. Idempotency-Key required: a retry answers the same team.
   */
  async openTeam(actor: ShopperActor, groupBuyId: string, input: { idempotencyKey: string }): Promise<GroupBuyTeam & { replayed: boolean }> {
    const { database, ledger } = this.dependencies;
    const offer = await this.offer(database.pool, groupBuyId);
    const request = { groupBuyId };
    const { result, replayed } = await runIdempotent<GroupBuyTeam>({
      key: input.idempotencyKey,
      request,
      find: (key) => this.findEarlierTeam(actor.shopperId, key),
      perform: async () => {
        const teamId = newId();
        // Built (and the accounts opened) before the transaction, so it never waits on a second connection.
        const legs = await ledger.recipes.groupBuyHold({ eventId: holdEventId(teamId, actor.shopperId), teamId, shopperId: actor.shopperId, currency: offer.currency as CurrencyCode, amountMinor: offer.teamPriceMinor });
        try {
          await withPoolTransaction(database.pool, async (client) => {
            const { rows: counted } = await client.query<{ teamSize: number; windowSeconds: number }>(
              `update group_buy set opened_teams = opened_teams + 1, updated_at = now()
                where id = $1 and status = 'active' and opened_teams < team_cap
                returning team_size as "teamSize", window_seconds as "windowSeconds"`,
              [groupBuyId],
            );
            const counter = counted[0];
            if (!counter) throw new GroupBuyClosedError(offer.status === 'active' ? 'every team it may open is open' : 'it ended');
            const { rowCount } = await client.query(
              `update variant set stock_reserved = stock_reserved + $2, updated_at = now() where id = $1 and stock_on_hand - stock_reserved >= $2`,
              [offer.variantId, counter.teamSize],
            );
            if (!rowCount) throw new GroupBuyOutOfStockError();
            const { rows: inserted } = await client.query<{ expiresAt: Date }>(
              `insert into group_buy_team (id, group_buy_id, merchant_id, leader_shopper_id, team_size, member_count, expires_at, idempotency_key, idempotency_request)
               values ($1, $2, $3, $4, $5, 1, now() + make_interval(secs => $6), $7, $8)
               on conflict do nothing returning expires_at as "expiresAt"`,
              [teamId, groupBuyId, offer.merchantId, actor.shopperId, counter.teamSize, counter.windowSeconds, input.idempotencyKey, JSON.stringify(request)],
            );
            const team = inserted[0];
            if (!team) throw new IdempotencyRaceLost();
            await client.query(`insert into group_buy_member (team_id, shopper_id, position, hold_transfer_id) values ($1, $2, 0, $3)`, [teamId, actor.shopperId, legs[0]!.id]);
            await addToOutbox(client, {
              type: 'group_buy.team_opened',
              aggregateType: 'group_buy_team',
              aggregateId: teamId,
              merchantId: offer.merchantId,
              payload: { teamId, groupBuyId, shopperId: actor.shopperId, memberCount: 1, teamSize: counter.teamSize, expiresAt: team.expiresAt.toISOString() },
              jobs: [groupBuyTeamExpireJob(teamId, team.expiresAt)],
            });
            // Last: the ledger's account locks are held until this transaction commits.
            await ledger.recordInTransaction(client, legs);
          });
        } catch (error) {
          throw explainInsufficientFunds(error);
        }
        return this.team(database.pool, teamId);
      },
    });
    return { ...withSeatOf(result, actor.shopperId), replayed };
  }

  private async findEarlierTeam(shopperId: string, key: string): Promise<EarlierRequest<GroupBuyTeam> | null> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string; request: Record<string, unknown> }>(
      `select id, idempotency_request as request from group_buy_team where leader_shopper_id = $1 and idempotency_key = $2`,
      [shopperId, key],
    );
    const found = rows[0];
    if (!found) return null;
    return { request: found.request, answer: () => this.team(this.dependencies.database.pool, found.id) };
  }

  /** A team with its members (anyone signed in who has the shared link may look), and the asking shopper's seat. */
  async getTeam(actor: ShopperActor, id: string): Promise<GroupBuyTeam> {
    return withSeatOf(await this.team(this.dependencies.database.pool, id), actor.shopperId);
  }

  /**
   * A friend joins through the shared link, paying the team price from the wallet (held). A shopper
   * already in the team gets their seat again (duplicate: true, nothing moves). The member whose join
   * fills the team forms it in the same transaction: every hold posts (one linked chain) and every
   * member's order is written `paid`.
   */
  async join(actor: ShopperActor, teamId: string): Promise<{ team: GroupBuyTeam; duplicate: boolean }> {
    const { database, ledger } = this.dependencies;
    const facts = await this.teamFacts(teamId);
    if (await this.isMember(database.pool, teamId, actor.shopperId)) return { team: await this.getTeam(actor, teamId), duplicate: true };
    const holdLegs = await ledger.recipes.groupBuyHold({ eventId: holdEventId(teamId, actor.shopperId), teamId, shopperId: actor.shopperId, currency: facts.currency, amountMinor: facts.teamPriceMinor });
    try {
      await withPoolTransaction(database.pool, async (client) => {
        const { rows: counted } = await client.query<{ memberCount: number; teamSize: number }>(
          `update group_buy_team set member_count = member_count + 1, updated_at = now()
            where id = $1 and status = 'open' and expires_at > now() and member_count < team_size
            returning member_count as "memberCount", team_size as "teamSize"`,
          [teamId],
        );
        const seat = counted[0];
        if (!seat) throw await this.refusal(client, teamId);
        await client.query(`insert into group_buy_member (team_id, shopper_id, position, hold_transfer_id) values ($1, $2, $3, $4)`, [
          teamId,
          actor.shopperId,
          seat.memberCount - 1,
          holdLegs[0]!.id,
        ]);
        await addToOutbox(client, {
          type: 'group_buy.team_joined',
          aggregateType: 'group_buy_team',
          aggregateId: teamId,
          merchantId: facts.merchantId,
          payload: { teamId, groupBuyId: facts.groupBuyId, shopperId: actor.shopperId, memberCount: seat.memberCount, teamSize: seat.teamSize },
        });
        const captureLegs = seat.memberCount === seat.teamSize ? await this.form(client, facts) : [];
        // Last: the ledger's account locks are held until this transaction commits. The new hold first, then
        // (when this join fills the team) every member's capture as one linked chain.
        await ledger.recordInTransaction(client, [...holdLegs, ...captureLegs]);
      });
    } catch (error) {
      // The same shopper joining twice at once: the twin holds the seat; answer with it.
      if (isUniqueViolation(error, 'group_buy_member_pkey')) return { team: await this.getTeam(actor, teamId), duplicate: true };
      throw explainInsufficientFunds(error);
    }
    return { team: await this.getTeam(actor, teamId), duplicate: false };
  }

  /** The team is full (its row is locked by the caller's update): orders written, captures returned for the caller to record. */
  private async form(client: Queryable, facts: TeamFacts): Promise<TransferInput[]> {
    const { rows: members } = await client.query<{ shopperId: string; holdTransferId: string }>(
      `select shopper_id as "shopperId", hold_transfer_id as "holdTransferId" from group_buy_member where team_id = $1 order by position`,
      [facts.teamId],
    );
    const seats = members.map((member) => ({ ...member, orderId: newId() }));
    const captureLegs = this.dependencies.ledger.recipes.groupBuyCapture({ teamId: facts.teamId, members: seats });
    const withPayments = seats.map((seat, index) => ({ ...seat, paymentTransferId: captureLegs[index]!.id }));
    await insertTeamOrders(client, { ...facts, members: withPayments }, SYSTEM);
    await client.query(
      `update group_buy_member member set order_id = seat.order_id, payment_transfer_id = seat.payment_transfer_id
         from unnest($2::uuid[], $3::uuid[], $4::uuid[]) as seat(shopper_id, order_id, payment_transfer_id)
        where member.team_id = $1 and member.shopper_id = seat.shopper_id`,
      [facts.teamId, withPayments.map((seat) => seat.shopperId), withPayments.map((seat) => seat.orderId), withPayments.map((seat) => seat.paymentTransferId)],
    );
    await client.query(`update group_buy_team set status = 'formed', formed_at = now(), updated_at = now() where id = $1`, [facts.teamId]);
    await addToOutbox(client, {
      type: 'group_buy.team_formed',
      aggregateType: 'group_buy_team',
      aggregateId: facts.teamId,
      merchantId: facts.merchantId,
      payload: { teamId: facts.teamId, groupBuyId: facts.groupBuyId, memberCount: seats.length, orders: withPayments.map((seat) => ({ shopperId: seat.shopperId, orderId: seat.orderId })) },
    });
    return captureLegs;
  }

  private async refusal(client: Queryable, teamId: string): Promise<Error> {
    const { rows } = await client.query<{ status: string; expired: boolean }>(`select status, expires_at <= now() as expired from group_buy_team where id = $1`, [teamId]);
    const row = rows[0];
    if (!row) return new NotFoundError('group_buy_team', teamId);
    if (row.status === 'formed') return new GroupBuyTeamFullError();
    if (row.status === 'expired' || row.expired) return new GroupBuyTeamExpiredError();
    return new GroupBuyTeamFullError();
  }

  /**
   * The `group_buy.expire` job: after the window, a team that did not form has every member's hold
   * voided and its reserved units released, once. The team row is locked and `status` moves from open
   * to expired in the transaction that voids the holds (whose void ids derive from the holds' ids), so
   * a second worker, a retry or the sweeper's copy finds it expired and does nothing.
   */
  async expireTeam(teamId: string): Promise<GroupBuyTeamExpiryOutcome> {
    const { database, ledger } = this.dependencies;
    const facts = await this.teamFacts(teamId);
    return withPoolTransaction(database.pool, async (client) => {
      const { rows } = await client.query<{ status: string; teamSize: number; expiresAt: Date; due: boolean }>(
        `select status, team_size as "teamSize", expires_at as "expiresAt", expires_at <= now() as due from group_buy_team where id = $1 for update`,
        [teamId],
      );
      const team = rows[0]!;
      if (team.status !== 'open') return { status: 'unchanged', reason: `status is ${team.status}` };
      if (!team.due) return { status: 'not_due', dueAt: team.expiresAt };
      const { rows: members } = await client.query<{ shopperId: string; holdTransferId: string }>(
        `select shopper_id as "shopperId", hold_transfer_id as "holdTransferId" from group_buy_member where team_id = $1 order by position`,
        [teamId],
      );
      const legs = ledger.recipes.groupBuyRelease({ holdTransferIds: members.map((member) => member.holdTransferId) });
      await releaseStock(client, [{ variantId: facts.variantId, quantity: team.teamSize }]);
      await client.query(
        `update group_buy_member member set release_transfer_id = released.transfer_id
           from unnest($2::uuid[], $3::uuid[]) as released(shopper_id, transfer_id)
          where member.team_id = $1 and member.shopper_id = released.shopper_id`,
        [teamId, members.map((member) => member.shopperId), legs.map((leg) => leg.id)],
      );
      await client.query(`update group_buy_team set status = 'expired', expired_at = now(), updated_at = now() where id = $1`, [teamId]);
      await addToOutbox(client, {
        type: 'group_buy.team_expired',
        aggregateType: 'group_buy_team',
        aggregateId: teamId,
        merchantId: facts.merchantId,
        payload: { teamId, groupBuyId: facts.groupBuyId, memberCount: members.length, teamSize: team.teamSize, shopperIds: members.map((member) => member.shopperId) },
      });
      if (legs.length) await ledger.recordInTransaction(client, legs);
      return { status: 'expired', releasedHolds: legs.length };
    });
  }

  /** The merchant's offers (newest first) with their team counts. */
  async listForMerchant(actor: MerchantActor, query: ListQuery<{ id?: string[]; status?: string; q?: string }>): Promise<ListPage<MerchantGroupBuy>> {
    const { pool } = this.dependencies.database;
    const conditions = ['group_buy.merchant_id = $1'];
    const values: unknown[] = [actor.merchantId];
    if (query.filter.id) conditions.push(`group_buy.id = any($${values.push(query.filter.id)}::uuid[])`);
    if (query.filter.status) conditions.push(`group_buy.status = $${values.push(query.filter.status)}`);
    if (query.filter.q) {
      const pattern = `$${values.push(containsPattern(query.filter.q))}`;
      conditions.push(`(product.title ilike ${pattern} or variant.title ilike ${pattern})`);
    }
    const sortColumn = query.sortField === 'id' ? 'group_buy.id' : 'group_buy.created_at';
    const { rows } = await pool.query<{ id: string; total: number }>(
      `select group_buy.id, count(*) over ()::int as total from ${OFFER_FROM} where ${conditions.join(' and ')}
        order by ${sortColumn} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'}, group_buy.id offset ${query.offset} limit ${query.limit}`,
      values,
    );
    const items = await Promise.all(rows.map((row) => this.merchantOffer(pool, actor.merchantId, row.id, false)));
    return { items, total: rows[0]?.total ?? 0, offset: query.offset };
  }

  /** One offer with every team and the ledger transfers behind each. */
  async getForMerchant(actor: MerchantActor, id: string): Promise<MerchantGroupBuy> {
    return this.merchantOffer(this.dependencies.database.pool, actor.merchantId, id, true);
  }

  /** The merchant's teams (newest first), each with its members and ledger transfers. */
  async listTeamsForMerchant(actor: MerchantActor, query: ListQuery<{ id?: string[]; groupBuyId?: string; status?: string; q?: string }>): Promise<ListPage<MerchantGroupBuyTeam>> {
    const { pool } = this.dependencies.database;
    const conditions = ['team.merchant_id = $1'];
    const values: unknown[] = [actor.merchantId];
    if (query.filter.id) conditions.push(`team.id = any($${values.push(query.filter.id)}::uuid[])`);
    if (query.filter.groupBuyId) conditions.push(`team.group_buy_id = $${values.push(query.filter.groupBuyId)}`);
    if (query.filter.status) conditions.push(`team.status = $${values.push(query.filter.status)}`);
    if (query.filter.q) conditions.push(`leader.display_name ilike $${values.push(containsPattern(query.filter.q))}`);
    const sortColumn = query.sortField === 'id' ? 'team.id' : query.sortField === 'expiresAt' ? 'team.expires_at' : 'team.created_at';
    const { rows } = await pool.query<{ id: string; total: number }>(
      `select team.id, count(*) over ()::int as total from group_buy_team team join shopper leader on leader.id = team.leader_shopper_id
        where ${conditions.join(' and ')}
        order by ${sortColumn} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'}, team.id offset ${query.offset} limit ${query.limit}`,
      values,
    );
    const items = await Promise.all(rows.map((row) => this.merchantTeam(pool, actor.merchantId, row.id)));
    return { items, total: rows[0]?.total ?? 0, offset: query.offset };
  }

  async getTeamForMerchant(actor: MerchantActor, id: string): Promise<MerchantGroupBuyTeam> {
    return this.merchantTeam(this.dependencies.database.pool, actor.merchantId, id);
  }

  private async merchantOffer(queryable: Queryable, merchantId: string, id: string, withTeams: boolean): Promise<MerchantGroupBuy> {
    const offer = await this.offer(queryable, id);
    if (offer.merchantId !== merchantId) throw new NotFoundError('group_buy', id);
    const { rows } = await queryable.query<{ openTeams: number; formedTeams: number; expiredTeams: number }>(
      `select count(*) filter (where status = 'open')::int as "openTeams", count(*) filter (where status = 'formed')::int as "formedTeams",
              count(*) filter (where status = 'expired')::int as "expiredTeams"
         from group_buy_team where group_buy_id = $1`,
      [id],
    );
    const counts = rows[0]!;
    if (!withTeams) return { ...offer, ...counts };
    const { rows: teams } = await queryable.query<{ id: string }>(`select id from group_buy_team where group_buy_id = $1 order by created_at desc limit 200`, [id]);
    return { ...offer, ...counts, teams: await Promise.all(teams.map((team) => this.merchantTeam(queryable, merchantId, team.id))) };
  }

  private async merchantTeam(queryable: Queryable, merchantId: string, id: string): Promise<MerchantGroupBuyTeam> {
    const { groupBuy, ...team } = await this.team(queryable, id);
    if (groupBuy.merchantId !== merchantId) throw new NotFoundError('group_buy_team', id);
    return { ...team, transfers: await this.transfers(queryable, team) };
  }

  /** The holds (referenced to the team) and what resolved them: the captures (referenced to the orders) or the voids. */
  private async transfers(queryable: Queryable, team: Pick<GroupBuyTeam, 'id' | 'members'>): Promise<GroupBuyTransfer[]> {
    const holdIds = team.members.map((member) => member.holdTransferId);
    const { rows } = await queryable.query<GroupBuyTransfer>(
      `select id, kind, reason, debit_account_id as "debitAccountId", credit_account_id as "creditAccountId", amount_minor::int as "amountMinor", currency,
              pending_id as "pendingId", reference_type as "referenceType", reference_id as "referenceId", created_at as "createdAt"
         from ledger_transfer where id = any($1::uuid[]) or pending_id = any($1::uuid[])
        order by sequence`,
      [holdIds],
    );
    return rows;
  }

  private async teamFacts(teamId: string): Promise<TeamFacts> {
    const { rows } = await this.dependencies.database.pool.query<TeamFacts>(
      `select team.id as "teamId", group_buy.id as "groupBuyId", group_buy.merchant_id as "merchantId", group_buy.shop_id as "shopId", group_buy.variant_id as "variantId",
              group_buy.currency, group_buy.team_price_minor::int as "teamPriceMinor"
         from group_buy_team team join group_buy on group_buy.id = team.group_buy_id where team.id = $1`,
      [teamId],
    );
    const facts = rows[0];
    if (!facts) throw new NotFoundError('group_buy_team', teamId);
    return facts;
  }

  private async isMember(queryable: Queryable, teamId: string, shopperId: string): Promise<boolean> {
    const { rows } = await queryable.query(`select 1 from group_buy_member where team_id = $1 and shopper_id = $2`, [teamId, shopperId]);
    return rows.length > 0;
  }

  private async offer(queryable: Queryable, id: string): Promise<GroupBuy> {
    const { rows } = await queryable.query<GroupBuy>(`select ${OFFER_COLUMNS} from ${OFFER_FROM} where group_buy.id = $1`, [id]);
    const offer = rows[0];
    if (!offer) throw new NotFoundError('group_buy', id);
    return offer;
  }

  private async team(queryable: Queryable, id: string): Promise<GroupBuyTeam> {
    const { rows } = await queryable.query<TeamRow>(`select ${TEAM_COLUMNS} from group_buy_team where id = $1`, [id]);
    const row = rows[0];
    if (!row) throw new NotFoundError('group_buy_team', id);
    const { rows: members } = await queryable.query<GroupBuyMember>(
      `select member.shopper_id as "shopperId", shopper.display_name as "displayName", member.position, member.joined_at as "joinedAt",
              member.hold_transfer_id as "holdTransferId", member.order_id as "orderId", member.payment_transfer_id as "paymentTransferId",
              member.release_transfer_id as "releaseTransferId"
         from group_buy_member member join shopper on shopper.id = member.shopper_id
        where member.team_id = $1 order by member.position`,
      [id],
    );
    return { ...row, members, groupBuy: await this.offer(queryable, row.groupBuyId) };
  }
}

/** A wallet too small for the team price: said on the price, with the way out (a top-up). */
function explainInsufficientFunds(error: unknown): unknown {
  if (error instanceof LedgerTransferError && error.code === 'insufficient_funds') return new GroupBuyInsufficientFundsError();
  return error;
}

/** The team as one shopper sees it: with their own seat and order, if they are in it. */
function withSeatOf(team: GroupBuyTeam, shopperId: string): GroupBuyTeam {
  const seat = team.members.find((member) => member.shopperId === shopperId);
  return { ...team, me: seat ? { position: seat.position, orderId: seat.orderId } : null };
}
