import type { SeedSummary } from '../db/src/seeds/demo.ts';
import { DEMO_LOGINS } from '../db/src/seeds/demo.ts';
import { DEMO_PASSWORD } from '../db/src/seeds/demo-catalog.ts';
import type { DemoOrdersSummary } from '../db/src/seeds/demo-orders.ts';

/** What the seed did, in one line, for the start and seed commands. */
export function describeSeed(summary: SeedSummary): string {
  if (!summary.seeded) return `Demo data: not seeded, ${summary.reason}.`;
  return (
    `Demo data: seeded ${summary.merchants} merchants, ${summary.shops} shops, ${summary.categories} categories, ` +
    `${summary.products} products, ${summary.variants} variants (${summary.stockMovements} opening stock movements).`
  );
}

/** How to sign in as the demo shopper, and what their orders show. */
export function describeDemoShopper(summary: DemoOrdersSummary, publicUrl = 'http://127.0.0.1:3000'): string {
  const orders = summary.orders.map((order) => `#${order.number} ${order.state.replaceAll('_', ' ')}${order.settled ? ' (settled)' : ''}`).join(', ');
  return [
    `Demo shopper (orders ${orders}): sign in as a guest on the demo device:`,
    `  curl -s -X POST ${publicUrl}/api/store/sessions -H 'content-type: application/json' -d '{"provider":"guest","deviceId":"${summary.deviceId}"}'`,
    `${summary.courier.name} is on the way with the delivery; \`npm run demo:courier\` rides it to the door.`,
  ].join('\n');
}

export function describeDemoLogins(): string {
  const width = Math.max(...DEMO_LOGINS.map((login) => login.email.length));
  const lines = DEMO_LOGINS.map((login) => `  ${login.email.padEnd(width)}  ${login.role}${login.merchant ? ` at ${login.merchant}` : ''}`);
  return [`Demo logins (password: ${DEMO_PASSWORD}):`, ...lines].join('\n');
}
