import type pg from 'pg';
import { hmacKey, signJwt } from '../json-web-tokens.ts';

/** The chat host the demo chat plays: an operator registers it under this name (the demo seed does). */
export const DEMO_CHAT_HOST_NAME = 'Minishop demo chat';
/** The demo group's id at that host. */
export const DEMO_GROUP = 'tea-lovers';
/** The group's members: the host's ids for them (`sub`) and the names it gives them. */
export const DEMO_MEMBERS = [
  { subject: 'demo-mei', name: 'Mei' },
  { subject: 'demo-omar', name: 'Omar' },
  { subject: 'demo-lina', name: 'Lina' },
  { subject: 'demo-kenji', name: 'Kenji' },
] as const;
const TOKEN_LIFETIME_SECONDS = 3_600;

export interface DemoMembers {
  hostId: string;
  group: string;
  /** Each member's token: sign-in (`sub`, `name`) and group proof (`group`) in one, signed by the host. */
  members: { name: string; token: string }[];
}

/**
 * What a real chat host does on its own server, done here for the demo chat: it signs, with the secret
 * of the active chat host named DEMO_CHAT_HOST_NAME, a short-lived token per member of the demo group,
 * so every member signs in as a distinct shopper (provider `host`) and proves the group
 * (docs/social.md §2). Null when no such host is registered: the group chat then has no envelopes.
 */
export async function demoMembers(pool: pg.Pool, nowSeconds = Math.floor(Date.now() / 1000)): Promise<DemoMembers | null> {
  const { rows } = await pool.query<{ id: string; secret: string }>(
    `select id, secret from chat_host where name = $1 and status = 'active' order by created_at, id limit 1`,
    [DEMO_CHAT_HOST_NAME],
  );
  const host = rows[0];
  if (!host) return null;
  const key = hmacKey(host.secret);
  const members = await Promise.all(
    DEMO_MEMBERS.map(async (member) => ({
      name: member.name,
      token: await signJwt({ sub: member.subject, name: member.name, group: DEMO_GROUP }, key, { nowSeconds, expiresInSeconds: TOKEN_LIFETIME_SECONDS }),
    })),
  );
  return { hostId: host.id, group: DEMO_GROUP, members };
}
