import type { Database } from '../database.ts';
import type { Services } from '../services.ts';
import { demoMembers } from './demo-chat-members.ts';

/** A demo promotion in each demo group member's wallet, so red envelopes and group buys work at once. */
export const DEMO_GROUP_WALLET_CREDIT_MINOR = 50_00;

/**
 * The demo chat's group members (Mei, Omar, Lina, Kenji) sign in through the demo chat host, as the demo
 * page signs them in, and each gets the demo promotion in their wallet: the ledger's `topUp` from `world`,
 * like the demo shopper's credit (demo-orders.ts). Its event id is the shopper's, so running it again
 * moves nothing. Nothing to do without the demo chat host.
 */
export async function seedDemoGroupWallets(database: Database, services: Pick<Services, 'shoppers' | 'ledger'>): Promise<{ name: string; shopperId: string }[]> {
  const group = await demoMembers(database.pool);
  if (!group) return [];
  const funded: { name: string; shopperId: string }[] = [];
  for (const member of group.members) {
    const session = await services.shoppers.createSession({ provider: 'host', hostId: group.hostId, token: member.token });
    const shopperId = session.shopper.id;
    await services.ledger.record(
      await services.ledger.recipes.topUp({ eventId: `demo-group-credit:${shopperId}`, shopperId, currency: 'EUR', amountMinor: DEMO_GROUP_WALLET_CREDIT_MINOR, source: 'world' }),
    );
    funded.push({ name: member.name, shopperId });
  }
  return funded;
}
