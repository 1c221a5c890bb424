import type { SharePage } from '../../../../db/src/modules/referrals/share-links.service.ts';
import { minorUnitExponent, type CurrencyCode } from '../../../../db/src/money.ts';
import { escapeHtml } from '../qr-links/pages.ts';

const PAGE_STYLE = 'body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f6f7f9}main{max-width:720px;margin:0 auto;padding:16px}';

/** A price for the card's text, formatted here at the edge (English: an unfurl is read by everyone in the chat). */
function formattedPrice(priceMinor: number, currency: CurrencyCode): string {
  const exponent = minorUnitExponent(currency);
  return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(priceMinor / 10 ** exponent);
}

function absolute(url: string, publicUrl: string): string {
  return url.startsWith('/') ? `${publicUrl}${url}` : url;
}

/**
 * The page of a share link: Open Graph and Twitter card tags (title, price, image, shop) so that chats
 * unfurl it, and the widget opened at the shared place with the sharer's code (`ref`), which the widget
 * records as an open once the reader is signed in. Every value is escaped: titles are merchants' text.
 */
export function sharePage(page: SharePage, pageUrl: string, publicUrl: string): string {
  const { card } = page;
  const price = card.priceMinor === null ? null : formattedPrice(card.priceMinor, card.currency);
  const title = card.kind === 'shop' ? card.shopName : `${card.title} · ${card.shopName}`;
  const description = [price, card.description || card.shopName].filter(Boolean).join(' · ');
  const image = card.imageUrl ? absolute(card.imageUrl, publicUrl) : null;
  const properties: [string, string][] = [
    // Everything but a shop has a price to show: a product, a group buy or its team (at the team price).
    ['og:type', card.kind === 'shop' ? 'website' : 'product'],
    ['og:title', title],
    ['og:description', description],
    ['og:url', pageUrl],
    ['og:site_name', card.shopName],
  ];
  if (image) properties.push(['og:image', image]);
  if (price !== null && card.priceMinor !== null) {
    const exponent = minorUnitExponent(card.currency);
    properties.push(['product:price:amount', (card.priceMinor / 10 ** exponent).toFixed(exponent)], ['product:price:currency', card.currency]);
  }
  const names: [string, string][] = [
    ['twitter:card', image ? 'summary_large_image' : 'summary'],
    ['twitter:title', title],
    ['twitter:description', description],
    ...(image ? ([['twitter:image', image]] as [string, string][]) : []),
    ...(price ? ([['twitter:label1', 'Price'], ['twitter:data1', price], ['twitter:label2', 'Shop'], ['twitter:data2', card.shopName]] as [string, string][]) : []),
  ];
  const meta =
    properties.map(([property, content]) => `<meta property="${escapeHtml(property)}" content="${escapeHtml(content)}">`).join('') +
    names.map(([name, content]) => `<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}">`).join('') +
    `<meta name="description" content="${escapeHtml(description)}">`;
  const attributes = { shop: card.shopSlug, ...card.widgetAttributes, ref: page.code };
  const element = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>${meta}<link rel="canonical" href="${escapeHtml(pageUrl)}"><style>${PAGE_STYLE}</style></head><body><main><minishop-store${element}></minishop-store></main><script src="/widget.js" async></script></body></html>`;
}
