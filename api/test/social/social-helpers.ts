import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import { hmacKey, signJwt } from '../../../db/src/json-web-tokens.ts';
import type { ShopperSession } from '../helpers/shoppers.ts';

/** A chat host as an operator registers it (POST /api/admin/operator/chat-hosts), with its signing secret. */
export interface ChatHostFixture {
  id: string;
  secret: string;
}

export async function registerChatHost(app: FastifyInstance, operatorHeaders: { authorization: string }): Promise<ChatHostFixture> {
  const response = await app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: operatorHeaders, payload: { name: `Host ${newId().slice(0, 8)}` } });
  if (response.statusCode !== 201) throw new Error(`chat host answered ${response.statusCode}: ${response.body}`);
  const body = response.json() as { id: string; secret: string };
  return { id: body.id, secret: body.secret };
}

/** What the host signs: a JWT with the host's secret (the way a host vouches for a shopper at sign-in). */
export function hostToken(host: ChatHostFixture, claims: Record<string, unknown>, expiresInSeconds = 300): Promise<string> {
  return signJwt(claims, hmacKey(host.secret), { nowSeconds: Math.floor(Date.now() / 1000), expiresInSeconds });
}

export interface HostShopper extends ShopperSession {
  subject: string;
}

/** A shopper signed in through the host (POST /api/store/sessions, provider host). */
export async function signInThroughHost(app: FastifyInstance, host: ChatHostFixture, subject = `member-${newId()}`, name = 'Member'): Promise<HostShopper> {
  const token = await hostToken(host, { sub: subject, name });
  const response = await app.inject({ method: 'POST', url: '/api/store/sessions', payload: { provider: 'host', hostId: host.id, token } });
  if (response.statusCode !== 201) throw new Error(`host session answered ${response.statusCode}: ${response.body}`);
  const body = response.json() as { accessToken: string; shopper: { id: string } };
  return { shopperId: body.shopper.id, accessToken: body.accessToken, headers: { authorization: `Bearer ${body.accessToken}` }, subject };
}

/** The host's word that this shopper is in this group. */
export async function groupProof(host: ChatHostFixture, shopper: HostShopper | null, group: string): Promise<{ provider: 'host'; hostId: string; token: string }> {
  return { provider: 'host', hostId: host.id, token: await hostToken(host, { group, ...(shopper ? { sub: shopper.subject } : {}) }) };
}
