import type { StaffRole } from './modules/staff/membership.entity.ts';

/** Who is acting: carried into every service call, written into audit columns and events. */
export type Actor =
  | { type: 'staff'; userId: string; merchantId: string; role: StaffRole; isOperator: boolean }
  | { type: 'api_key'; apiKeyId: string; merchantId: string; role: StaffRole }
  | { type: 'operator'; userId: string }
  | { type: 'system'; process: string };

/** An actor that works inside one merchant's tenancy. */
export type MerchantActor = Extract<Actor, { merchantId: string }>;

export function actorId(actor: Actor): string | null {
  switch (actor.type) {
    case 'staff':
    case 'operator':
      return actor.userId;
    case 'api_key':
      return actor.apiKeyId;
    case 'system':
      return null;
  }
}
