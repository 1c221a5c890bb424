import { ValidationError } from '../../errors.ts';
import type { Order } from './order.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { RefundedLine } from './order-refund.entity.ts';
import { RefundExceedsRemainingError, RefundNotAllowedError } from './orders.errors.ts';
import type { RefundCreateInput } from './orders.schemas.ts';

export interface RefundPlan {
  amountMinor: number;
  lines: RefundedLine[];
}

/**
 * What a refund request gives back, checked against what remains refundable:
 * - lines: those quantities at the price paid (the line's own remainder caps them);
 * - amountMinor: that amount, tied to no line (no goods come back);
 * - neither: everything that remains, spread over the lines' remaining quantities.
 */
export function planRefund(order: Order, lines: OrderLine[], input: Pick<RefundCreateInput, 'lines' | 'amountMinor'>): RefundPlan {
  const remainingMinor = order.totalMinor - order.refundedMinor;
  if (input.lines && input.amountMinor !== undefined) throw new ValidationError({ amountMinor: 'send lines or amountMinor, not both' });
  if (remainingMinor <= 0) throw new RefundNotAllowedError('nothing_to_refund', 'Everything paid for this order has been refunded already.');

  if (input.amountMinor !== undefined) {
    if (input.amountMinor > remainingMinor) throw new RefundExceedsRemainingError('amountMinor', remainingMinor);
    return { amountMinor: input.amountMinor, lines: [] };
  }

  if (input.lines) {
    const byId = new Map(lines.map((line) => [line.id, line]));
    const seen = new Set<string>();
    const planned: RefundedLine[] = [];
    let totalMinor = 0;
    input.lines.forEach((requested, index) => {
      const line = byId.get(requested.lineId);
      if (!line) throw new ValidationError({ [`lines.${index}.lineId`]: 'is not a line of this order' });
      if (seen.has(line.id)) throw new ValidationError({ [`lines.${index}.lineId`]: 'is listed twice' });
      seen.add(line.id);
      const quantityLeft = line.quantity - line.refundedQuantity;
      if (requested.quantity > quantityLeft) {
        throw new RefundNotAllowedError('refund_exceeds_remaining', `Line ${index + 1} has ${quantityLeft} left to refund.`, {
          [`lines.${index}.quantity`]: `only ${quantityLeft} left to refund`,
        });
      }
      const amountMinor = Math.min(line.unitPriceMinor * requested.quantity, line.lineTotalMinor - line.refundedMinor);
      totalMinor += amountMinor;
      planned.push({ lineId: line.id, quantity: requested.quantity, amountMinor });
    });
    if (totalMinor > remainingMinor) throw new RefundExceedsRemainingError('lines', remainingMinor);
    if (totalMinor === 0) throw new RefundNotAllowedError('nothing_to_refund', 'These lines were free; there is nothing to give back.');
    return { amountMinor: totalMinor, lines: planned };
  }

  return { amountMinor: remainingMinor, lines: remainingLines(lines, remainingMinor) };
}

/** Every unrefunded unit, with the remaining money allotted line by line so the parts add up to it. */
export function remainingLines(lines: OrderLine[], remainingMinor: number): RefundedLine[] {
  let moneyLeftMinor = remainingMinor;
  const planned: RefundedLine[] = [];
  for (const line of lines) {
    const quantity = line.quantity - line.refundedQuantity;
    if (quantity === 0) continue;
    const amountMinor = Math.min(line.lineTotalMinor - line.refundedMinor, moneyLeftMinor);
    moneyLeftMinor -= amountMinor;
    planned.push({ lineId: line.id, quantity, amountMinor });
  }
  return planned;
}
