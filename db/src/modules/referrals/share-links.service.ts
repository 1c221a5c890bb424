import { randomInt } from 'node:crypto';
import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { DomainError, NotFoundError, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ShareLinkCreateInput } from './referrals.schemas.ts';
import { SHARE_TARGETS, type ShareCard } from './share-targets.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const CODE_LENGTH = 10;

export interface ShareLink {
  id: string;
  code: string;
  url: string;
  kind: string;
  targetId: string | null;
  card: Omit<ShareCard, 'widgetAttributes'>;
  createdAt: Date;
}

/** What the `/r/<code>` page needs: the card and where the widget opens. */
export interface SharePage {
  code: string;
  card: ShareCard;
  /** Null for a merchant's link: it attributes nothing. */
  sharerShopperId: string | null;
}

interface LinkRow {
  id: string;
  code: string;
  kind: string;
  shopId: string;
  targetId: string | null;
  sharerShopperId: string | null;
  createdAt: Date;
}

const LINK_COLUMNS = `id, code, kind, shop_id as "shopId", target_id as "targetId", sharer_shopper_id as "sharerShopperId", created_at as "createdAt"`;

export class ShareLinkGoneError extends DomainError {
  constructor() {
    super('not_found', 'share_link_not_found', 'This share link does not exist, or what it shared is closed or gone.');
  }
}

/** A random code of 10 letters and digits without look-alikes (57 symbols: about 58 bits). */
function newCode(): string {
  let code = '';
  for (let index = 0; index < CODE_LENGTH; index += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * Share links (docs/social.md §3): a shopper shares a product or a shop; the link is `/r/<code>`, one per
 * (sharer, target) so that sharing again gives the same link. Opening it signed in records a touch that
 * attributes later orders in that shop to the sharer (referral-attribution.ts).
 */
export class ShareLinksService {
  constructor(private readonly dependencies: { database: Database; publicUrl: string }) {}

  /** A shopper's link: it carries them as the sharer, so opens and orders are attributed to them. */
  async create(actor: ShopperActor, input: ShareLinkCreateInput): Promise<ShareLink> {
    return this.createLink(input, { sharerShopperId: actor.shopperId });
  }

  /** A merchant's link to one of its own shops (another merchant's shop is not found): it attributes nothing. */
  async createForMerchant(actor: MerchantActor, input: ShareLinkCreateInput): Promise<ShareLink> {
    return this.createLink(input, { sharerShopperId: null, merchantId: actor.merchantId });
  }

  private async createLink(input: ShareLinkCreateInput, by: { sharerShopperId: string | null; merchantId?: string }): Promise<ShareLink> {
    const { pool } = this.dependencies.database;
    const target = SHARE_TARGETS[input.kind];
    if (!target) throw new ValidationError({ kind: 'cannot be shared' });
    if (target.needsTargetId && !input.targetId) throw new ValidationError({ targetId: `is required to share a ${input.kind}` });
    if (!target.needsTargetId && input.targetId) throw new ValidationError({ targetId: `is not taken when sharing a ${input.kind}` });
    const { rows: shops } = await pool.query<{ id: string; merchantId: string }>(`select id, merchant_id as "merchantId" from shop where slug = $1 and status = 'open'`, [input.shopSlug]);
    const shop = shops[0];
    if (!shop || (by.merchantId && shop.merchantId !== by.merchantId)) throw new NotFoundError('shop', input.shopSlug);
    const targetId = input.targetId ?? null;
    const card = await target.card(pool, shop.id, targetId);
    if (!card) throw new NotFoundError(input.kind, targetId ?? undefined);
    // One link per sharer and target: a collision of the random code (or a concurrent create) retries.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const { rows } = await pool.query<LinkRow>(
        `with created as (
           insert into share_link (id, code, kind, shop_id, merchant_id, target_id, sharer_shopper_id)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict do nothing
           returning ${LINK_COLUMNS})
         select * from created
         union all
         select ${LINK_COLUMNS} from share_link
          where sharer_shopper_id is not distinct from $7::uuid and kind = $3 and shop_id = $4 and target_id is not distinct from $6::uuid`,
        [newId(), newCode(), input.kind, shop.id, shop.merchantId, targetId, by.sharerShopperId],
      );
      if (rows[0]) return this.view(rows[0], card);
    }
    throw new Error('could not allocate a share link code');
  }

  /** The page of `/r/<code>`: the card of what was shared, as it is now. */
  async page(code: string): Promise<SharePage> {
    const link = await this.find(code);
    const card = await SHARE_TARGETS[link.kind]?.card(this.dependencies.database.pool, link.shopId, link.targetId);
    if (!card) throw new ShareLinkGoneError();
    return { code: link.code, card, sharerShopperId: link.sharerShopperId };
  }

  /**
   * A signed-in shopper opened a share link (the widget calls this when it was opened with `ref`): a touch
   * that attributes this shopper's orders in the shop to the sharer for the shop's window. The sharer's
   * own opens and a merchant's links attribute nothing.
   */
  async recordOpen(actor: ShopperActor, code: string): Promise<{ attributed: boolean; shopSlug: string; touchedAt: Date | null }> {
    const { pool } = this.dependencies.database;
    const { rows } = await pool.query<{ attributed: boolean; shopSlug: string | null; touchedAt: Date | null }>(
      `with link as (
         select link.id, link.shop_id, link.sharer_shopper_id, shop.slug
           from share_link link join shop on shop.id = link.shop_id and shop.status = 'open'
          where link.code = $1),
       touched as (
         insert into share_touch (id, share_link_id, shop_id, sharer_shopper_id, shopper_id)
         select $2, link.id, link.shop_id, link.sharer_shopper_id, $3 from link
          where link.sharer_shopper_id is not null and link.sharer_shopper_id <> $3
         returning touched_at)
       select (select slug from link) as "shopSlug", (select touched_at from touched) as "touchedAt", exists (select 1 from touched) as attributed`,
      [code, newId(), actor.shopperId],
    );
    const row = rows[0];
    if (!row?.shopSlug) throw new ShareLinkGoneError();
    return { attributed: row.attributed, shopSlug: row.shopSlug, touchedAt: row.touchedAt };
  }

  private async find(code: string): Promise<LinkRow> {
    const { rows } = await this.dependencies.database.pool.query<LinkRow>(`select ${LINK_COLUMNS} from share_link where code = $1`, [code]);
    if (!rows[0]) throw new ShareLinkGoneError();
    return rows[0];
  }

  private view(row: LinkRow, card: ShareCard): ShareLink {
    const { widgetAttributes: _widgetAttributes, ...shown } = card;
    return { id: row.id, code: row.code, url: `${this.dependencies.publicUrl}/r/${row.code}`, kind: row.kind, targetId: row.targetId, card: shown, createdAt: row.createdAt };
  }
}
