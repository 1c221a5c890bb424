import { actorId, type MerchantActor } from '../../actor.ts';
import type { ActorType } from './stock-movement.entity.ts';

/** Who a stock movement is written by, as the journal's two actor columns. */
export function stockActor(actor: MerchantActor): { actorType: ActorType; actorId: string | null } {
  return { actorType: actor.type, actorId: actorId(actor) };
}
