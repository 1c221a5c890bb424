import type { CurrencyCode } from '../../money.ts';
import type { Queryable } from '../../pool-transaction.ts';

/** What a chat shows when it unfurls a share link, and where the widget opens. */
export interface ShareCard {
  kind: string;
  shopSlug: string;
  shopName: string;
  title: string;
  description: string;
  /** The lowest price of the target (a product's cheapest variant, a group buy's team price); null for a shop. */
  priceMinor: number | null;
  currency: CurrencyCode;
  /** An image URL as stored (absolute, or a path on this server); null when there is none. */
  imageUrl: string | null;
  /** Attributes of `<minishop-store>` that open the widget at the target (besides `shop` and `ref`). */
  widgetAttributes: Record<string, string>;
}

/**
 * One kind of thing that can be shared. `card` answers null when the target is gone, closed or not in
 * that shop. Adding a kind is one entry here and one literal in `ShareLinkKind`: the database does not
 * enumerate kinds.
 */
export interface ShareTarget {
  needsTargetId: boolean;
  card(queryable: Queryable, shopId: string, targetId: string | null): Promise<ShareCard | null>;
}

interface ShopRow {
  slug: string;
  name: string;
  description: string;
  currency: CurrencyCode;
}

async function openShop(queryable: Queryable, shopId: string): Promise<ShopRow | null> {
  const { rows } = await queryable.query<ShopRow>(`select slug, name, description, currency from shop where id = $1 and status = 'open'`, [shopId]);
  return rows[0] ?? null;
}

const shopTarget: ShareTarget = {
  needsTargetId: false,
  async card(queryable, shopId) {
    const shop = await openShop(queryable, shopId);
    if (!shop) return null;
    return { kind: 'shop', shopSlug: shop.slug, shopName: shop.name, title: shop.name, description: shop.description, priceMinor: null, currency: shop.currency, imageUrl: null, widgetAttributes: {} };
  },
};

const productTarget: ShareTarget = {
  needsTargetId: true,
  async card(queryable, shopId, productId) {
    if (!productId) return null;
    const { rows } = await queryable.query<ShopRow & { title: string; productDescription: string; priceMinor: number | null; imageUrl: string | null }>(
      `select shop.slug, shop.name, shop.description, shop.currency, product.title, product.description as "productDescription",
              (select min(price_minor) from variant where variant.product_id = product.id) as "priceMinor",
              coalesce(product.images -> 0 ->> 'url',
                       (select '/media/' || (photo.files -> (select max(key::int)::text from jsonb_object_keys(photo.files) as key) ->> 'jpeg')
                          from product_photo photo where photo.product_id = product.id order by photo.position limit 1)) as "imageUrl"
         from product join shop on shop.id = product.shop_id
        where product.id = $2 and product.shop_id = $1 and product.status = 'active' and shop.status = 'open'`,
      [shopId, productId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      kind: 'product',
      shopSlug: row.slug,
      shopName: row.name,
      title: row.title,
      description: row.productDescription || row.description,
      priceMinor: row.priceMinor,
      currency: row.currency,
      imageUrl: row.imageUrl,
      widgetAttributes: { product: productId },
    };
  },
};

/** A group buy's card: the team price (the draw of the link), the product's image, the shop. */
interface GroupBuyRow extends ShopRow {
  productTitle: string;
  variantTitle: string;
  teamPriceMinor: number;
  teamSize: number;
  imageUrl: string | null;
}

const GROUP_BUY_CARD_COLUMNS = `shop.slug, shop.name, shop.description, shop.currency, product.title as "productTitle", variant.title as "variantTitle",
  group_buy.team_price_minor::int as "teamPriceMinor", group_buy.team_size as "teamSize",
  coalesce(product.images -> 0 ->> 'url',
           (select '/media/' || (photo.files -> (select max(key::int)::text from jsonb_object_keys(photo.files) as key) ->> 'jpeg')
              from product_photo photo where photo.product_id = product.id order by photo.position limit 1)) as "imageUrl"`;
const GROUP_BUY_CARD_FROM = `group_buy join shop on shop.id = group_buy.shop_id join variant on variant.id = group_buy.variant_id join product on product.id = variant.product_id`;

function groupBuyCard(kind: string, row: GroupBuyRow, widgetAttributes: Record<string, string>): ShareCard {
  const title = row.variantTitle ? `${row.productTitle} (${row.variantTitle})` : row.productTitle;
  return {
    kind,
    shopSlug: row.slug,
    shopName: row.name,
    title: `${title}: team of ${row.teamSize}`,
    // Read by the whole chat, in English like the page's price (which the page puts first: the team price).
    description: `Cheaper together: ${row.teamSize} people, each at the team price. ${row.description}`.trim(),
    priceMinor: row.teamPriceMinor,
    currency: row.currency,
    imageUrl: row.imageUrl,
    widgetAttributes,
  };
}

/** A group-buy offer: the widget opens at the offer, where the reader starts a team. Null once the offer ended. */
const groupBuyTarget: ShareTarget = {
  needsTargetId: true,
  async card(queryable, shopId, groupBuyId) {
    if (!groupBuyId) return null;
    const { rows } = await queryable.query<GroupBuyRow>(
      `select ${GROUP_BUY_CARD_COLUMNS} from ${GROUP_BUY_CARD_FROM}
        where group_buy.id = $2 and group_buy.shop_id = $1 and group_buy.status = 'active' and shop.status = 'open'`,
      [shopId, groupBuyId],
    );
    return rows[0] ? groupBuyCard('group_buy', rows[0], { 'group-buy': groupBuyId }) : null;
  },
};

/**
 * One team of a group buy (what a member shares to fill it): the widget opens at the team, where the
 * reader joins. Null once the team formed or expired: there is no seat left to offer.
 */
const groupBuyTeamTarget: ShareTarget = {
  needsTargetId: true,
  async card(queryable, shopId, teamId) {
    if (!teamId) return null;
    const { rows } = await queryable.query<GroupBuyRow>(
      `select ${GROUP_BUY_CARD_COLUMNS} from ${GROUP_BUY_CARD_FROM} join group_buy_team team on team.group_buy_id = group_buy.id
        where team.id = $2 and group_buy.shop_id = $1 and team.status = 'open' and team.expires_at > now() and shop.status = 'open'`,
      [shopId, teamId],
    );
    return rows[0] ? groupBuyCard('group_buy_team', rows[0], { 'group-buy-team': teamId }) : null;
  },
};

export const SHARE_TARGETS: Record<string, ShareTarget> = { shop: shopTarget, product: productTarget, group_buy: groupBuyTarget, group_buy_team: groupBuyTeamTarget };
