import type { ShopperIdentityProvider } from './modules/shoppers/shopper-identity.entity.ts';
import type { StaffRole } from './modules/staff/membership.entity.ts';

/** Who is acting: carried into every service call, written into audit columns and events. */
export type Actor =
  | { type: 'staff'; userId: string; merchantId: string; role: StaffRole; isOperator: boolean }
  | { type: 'api_key'; apiKeyId: string; merchantId: string; role: StaffRole }
  | { type: 'operator'; userId: string }
  | { type: 'system'; process: string }
  /** A shopper signed in through a chat identity (POST /api/store/sessions). */
  | { type: 'shopper'; shopperId: string; provider: ShopperIdentityProvider };

/** An actor that works inside one merchant's tenancy. */
export type MerchantActor = Extract<Actor, { merchantId: string }>;

export type ShopperActor = Extract<Actor, { type: 'shopper' }>;

/**
 * The one definition of a platform operator: an operator's own session, or a merchant's staff member
 * who is also an operator (the operator row, read on every request by AuthService.authenticate).
 */
export function isOperator(actor: Actor): actor is Extract<Actor, { type: 'operator' } | { type: 'staff' }> {
  return actor.type === 'operator' || (actor.type === 'staff' && actor.isOperator);
}

export function actorId(actor: Actor): string | null {
  switch (actor.type) {
    case 'staff':
    case 'operator':
      return actor.userId;
    case 'api_key':
      return actor.apiKeyId;
    case 'shopper':
      return actor.shopperId;
    case 'system':
      return null;
  }
}
