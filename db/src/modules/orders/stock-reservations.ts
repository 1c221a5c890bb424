import type { Actor } from '../../actor.ts';
import { assert } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { allInOrder, type Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { eventActor } from './order-records.ts';

export interface StockLine {
  variantId: string;
  quantity: number;
}

/**
 * Stock held by orders, always changed by updates on the variant row (never read, then written):
 * `stock_reserved` grows at checkout (a conditional update, see checkout.service.ts), and on payment
 * both counts shrink together; the database's own checks (reserved <= on hand, both >= 0) are the
 * last line of defence.
 */
function columns(lines: readonly StockLine[]): [string[], number[]] {
  return [lines.map((line) => line.variantId), lines.map((line) => line.quantity)];
}

/**
 * Two orders sharing variants lock them in the same (id) order, so they queue instead of deadlocking.
 * One variant needs no ordering: the update below locks it anyway. The lock is `for no key update`, the
 * one that update takes: `for update` would also hold off every other transaction's foreign-key check on
 * the variant (a cart line, an order line, a stock movement) until this one commits.
 */
export async function lockVariantsInOrder(client: Queryable, variantIds: readonly string[]): Promise<void> {
  if (variantIds.length < 2) return;
  await client.query(`select id from variant where id = any($1::uuid[]) order by id for no key update`, [variantIds]);
}

/** Gives reserved stock back to the shelf (cancel, timeout). */
export async function releaseStock(client: Queryable, lines: readonly StockLine[]): Promise<void> {
  await lockVariantsInOrder(client, lines.map((line) => line.variantId));
  const result = await client.query(
    `update variant v set stock_reserved = v.stock_reserved - l.quantity
       from unnest($1::uuid[], $2::int[]) as l(variant_id, quantity)
      where v.id = l.variant_id`,
    columns(lines),
  );
  assert(result.rowCount === lines.length, 'every reserved variant still exists');
}

/**
 * Turns a reservation into a sale: on hand and reserved both shrink, and each variant's stock journal
 * gets a `sale` movement, in one statement.
 */
export async function commitStock(client: Queryable, merchantId: string, lines: readonly StockLine[], actor: Actor, note: string): Promise<void> {
  await moveStock(client, merchantId, lines, actor, { reason: 'sale', note, sign: -1, reserved: true });
}

/** Puts sold goods back on the shelf (an order cancelled or refunded before it shipped). */
export async function returnStock(client: Queryable, merchantId: string, lines: readonly StockLine[], actor: Actor, note: string): Promise<void> {
  await moveStock(client, merchantId, lines, actor, { reason: 'return', note, sign: 1, reserved: false });
}

async function moveStock(
  client: Queryable,
  merchantId: string,
  lines: readonly StockLine[],
  actor: Actor,
  movement: { reason: 'sale' | 'return'; note: string; sign: 1 | -1; reserved: boolean },
): Promise<void> {
  if (lines.length === 0) return;
  // The lock and the move are sent together (a pipelined transaction runs them in order without a round
  // trip between them): the move needs nothing the lock returns.
  const locked = lockVariantsInOrder(client, lines.map((line) => line.variantId));
  const { actorType, actorId } = eventActor(actor);
  const [variantIds, quantities] = columns(lines);
  const reservedChange = movement.reserved ? `, stock_reserved = v.stock_reserved + ${movement.sign} * l.quantity` : '';
  const moved = client.query(
    prepared(
      `with changed as (
         update variant v set stock_on_hand = v.stock_on_hand + ${movement.sign} * l.quantity${reservedChange}, updated_at = now()
           from unnest($1::uuid[], $2::int[], $3::uuid[]) as l(variant_id, quantity, movement_id)
          where v.id = l.variant_id and v.merchant_id = $4
          returning v.id, v.stock_on_hand, l.quantity, l.movement_id
       )
       insert into stock_movement (id, merchant_id, variant_id, quantity_delta, stock_on_hand_after, reason, note, actor_type, actor_id)
       select movement_id, $4, id, ${movement.sign} * quantity, stock_on_hand, $5::text, $6::text, $7::text, $8::uuid from changed`,
      [variantIds, quantities, lines.map(() => newId()), merchantId, movement.reason, movement.note, actorType, actorId],
    ),
  );
  const [, result] = await allInOrder([locked, moved]);
  assert(result.rowCount === lines.length, 'every ordered variant still exists');
}
