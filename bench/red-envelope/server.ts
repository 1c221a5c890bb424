import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';
import { hmacKey, signJwt } from '../../db/src/json-web-tokens.ts';
import { newId } from '../../db/src/ids.ts';
import { benchOperatorToken } from '../lib/operator-token.ts';

/**
 * The API in a process of its own for the red-envelope bench (forked with IPC by index.ts), so that the
 * claimers' HTTP client does not share its event loop. It also prepares the bench through the product's
 * paths: an operator registers a chat host, the sender and the claimers sign in through the host, and on
 * `envelope` the sender puts an envelope into the group from a wallet topped up by the ledger's top-up recipe.
 */
const app = await buildApp(loadConfig());
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const group = `bench-${newId()}`;

async function expectStatus(response: { statusCode: number; body: string }, status: number, what: string): Promise<void> {
  if (response.statusCode !== status) throw new Error(`${what} answered ${response.statusCode}: ${response.body}`);
}

const operatorHeaders = { authorization: `Bearer ${await benchOperatorToken(app)}` };
const hostResponse = await app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: operatorHeaders, payload: { name: 'Red envelope bench host' } });
await expectStatus(hostResponse, 201, 'chat host');
const host = hostResponse.json() as { id: string; secret: string };
const hostSign = (claims: Record<string, unknown>) => signJwt(claims, hmacKey(host.secret), { nowSeconds: Math.floor(Date.now() / 1000), expiresInSeconds: 3_600 });

interface Member {
  shopperId: string;
  authorization: string;
  /** The host's word that this member is in the group: the claim's body. */
  proof: { provider: 'host'; hostId: string; token: string };
}

async function member(name: string): Promise<Member> {
  const subject = `bench-${newId()}`;
  const response = await app.inject({ method: 'POST', url: '/api/store/sessions', payload: { provider: 'host', hostId: host.id, token: await hostSign({ sub: subject, name }) } });
  await expectStatus(response, 201, 'host sign-in');
  const body = response.json() as { accessToken: string; shopper: { id: string } };
  return { shopperId: body.shopper.id, authorization: `Bearer ${body.accessToken}`, proof: { provider: 'host', hostId: host.id, token: await hostSign({ sub: subject, group }) } };
}

const sender = await member('Sender');

process.on('message', async (message: { type: string; claimers?: number; amountMinor?: number; shareCount?: number }) => {
  try {
    if (message.type === 'members') {
      const members: Member[] = [];
      for (let index = 0; index < message.claimers!; index += 1) members.push(await member(`Claimer ${index + 1}`));
      process.send?.({ type: 'members', members });
    } else if (message.type === 'envelope') {
      const legs = await app.services.ledger.recipes.topUp({ eventId: newId(), shopperId: sender.shopperId, currency: 'EUR', amountMinor: message.amountMinor!, source: 'world' });
      await app.services.ledger.record(legs);
      const response = await app.inject({
        method: 'POST',
        url: '/api/store/red-envelopes',
        headers: { authorization: sender.authorization, 'idempotency-key': newId() },
        payload: { mode: 'fair', currency: 'EUR', amountMinor: message.amountMinor, shareCount: message.shareCount, message: 'bench', group: sender.proof },
      });
      await expectStatus(response, 201, 'red envelope');
      process.send?.({ type: 'envelope', envelopeId: (response.json() as { id: string }).id });
    } else if (message.type === 'close') {
      await app.close();
      process.exit(0);
    }
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
process.send?.({ type: 'ready', port });
