import type { PanelOptions } from './shared.tsx';

/** What POST /api/store/share-links answers (the parts the widget uses). */
interface ShareLink {
  code: string;
  url: string;
  card: { title: string; shopName: string; priceMinor: number | null; currency: string; imageUrl: string | null };
}

export type ShareOutcome = { status: 'shared' } | { status: 'copied'; url: string } | { status: 'shown'; url: string };

/** What can be shared (docs/social.md §3): a product, the shop, a group buy or one team of it (targetId: its id). */
export interface ShareTargetChoice {
  kind: 'product' | 'shop' | 'group_buy' | 'group_buy_team';
  targetId?: string;
}

/**
 * Shares a product, the shop, a group buy or a team (docs/social.md §3), loaded only when a Share button
 * is pressed: the shopper's own link (it carries their referral code) goes to the page as the event
 * `minishop-share` on the widget's element, then to the host chat through the bridge, or, without a host,
 * to the clipboard; when the clipboard is refused the link is shown to copy by hand.
 */
export async function share(options: PanelOptions, target: ShareTargetChoice): Promise<ShareOutcome> {
  const link = await options.api.request<ShareLink>('POST', '/api/store/share-links', { kind: target.kind, shopSlug: options.shopSlug, ...(target.targetId ? { targetId: target.targetId } : {}) });
  // The page hosting the widget (a chat that embeds it inline, the demo chat) can post the card itself.
  options.host.dispatchEvent(
    new CustomEvent('minishop-share', {
      bubbles: true,
      composed: true,
      detail: { kind: target.kind, targetId: target.targetId ?? null, shop: options.shopSlug, url: link.url, code: link.code, title: link.card.title, shopName: link.card.shopName, priceMinor: link.card.priceMinor, currency: link.card.currency, imageUrl: link.card.imageUrl },
    }),
  );
  if (options.bridge) {
    options.bridge.send('share', {
      card: {
        kind: target.kind,
        shop: options.shopSlug,
        productId: target.kind === 'product' ? target.targetId : null,
        targetId: target.targetId ?? null,
        title: link.card.title, shopName: link.card.shopName, priceMinor: link.card.priceMinor, currency: link.card.currency, imageUrl: link.card.imageUrl, url: link.url, code: link.code },
    });
    return { status: 'shared' };
  }
  try {
    await navigator.clipboard.writeText(link.url);
    return { status: 'copied', url: link.url };
  } catch {
    return { status: 'shown', url: link.url };
  }
}
