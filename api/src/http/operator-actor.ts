import { isOperator, type Actor } from '../../../db/src/actor.ts';

/**
 * On an operator route the caller acts as the platform operator, also when signed in through a merchant
 * (a staff member who is an operator): services then see the whole platform, not that merchant.
 * The route's `platform.operate` permission has already checked that the caller is one.
 */
export function operatorActor(actor: Actor | null): Actor {
  if (actor?.type === 'staff' && isOperator(actor)) return { type: 'operator', userId: actor.userId };
  return actor as Actor;
}
