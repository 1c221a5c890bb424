import type { Landing } from '../../../../db/src/modules/storefront-pages/landing.service.ts';

/** HTML pages for scanned codes: a standalone page hosting the widget, or a friendly refusal. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

type PageLanguage = 'en' | 'zh' | 'ar';

/** The first language of Accept-Language (by q-value) that the pages speak; English otherwise. */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const quality = Number(parameters.find((parameter) => parameter.trim().startsWith('q='))?.trim().slice(2) ?? '1');
      return { primary: tag.toLowerCase().split('-')[0] ?? '', quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { primary } of ranked) if (primary === 'en' || primary === 'zh' || primary === 'ar') return primary;
  return 'en';
}

const REFUSALS: Record<PageLanguage, { expired: [string, string]; invalid: [string, string]; gone: [string, string] }> = {
  en: {
    expired: ['This code has expired', 'Ask the shop for a new code, or open the shop from your chat.'],
    invalid: ['This code cannot be read', 'It may be damaged or not a Minishop code. Try scanning it again.'],
    gone: ['This shop is not available', 'The shop or product of this code is closed or no longer on sale.'],
  },
  zh: {
    expired: ['此二维码已过期', '请向商家索取新的二维码，或在聊天中打开店铺。'],
    invalid: ['无法识别此二维码', '二维码可能已损坏或不是 Minishop 的二维码。请重新扫描。'],
    gone: ['该店铺暂不可用', '此二维码对应的店铺或商品已关闭或下架。'],
  },
  ar: {
    expired: ['انتهت صلاحية هذا الرمز', 'اطلب رمزًا جديدًا من المتجر، أو افتح المتجر من محادثتك.'],
    invalid: ['تعذرت قراءة هذا الرمز', 'قد يكون الرمز تالفًا أو ليس رمز Minishop. حاول مسحه مرة أخرى.'],
    gone: ['هذا المتجر غير متاح', 'المتجر أو المنتج الخاص بهذا الرمز مغلق أو لم يعد معروضًا للبيع.'],
  },
};

export type RefusalKind = keyof (typeof REFUSALS)['en'];

const PAGE_STYLE =
  'body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f6f7f9}main{max-width:720px;margin:0 auto;padding:16px}h1{font-size:1.4rem}';

export function refusalPage(kind: RefusalKind, language: PageLanguage): string {
  const [title, text] = REFUSALS[language][kind];
  return `<!doctype html><html lang="${language}" dir="${language === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>`;
}

/** The widget at the code's place, with Open Graph tags so that a chat unfurls the link. */
export function landingPage(landing: Landing, pageUrl: string): string {
  const title = landing.type === 'product' ? `${landing.productTitle} · ${landing.shopName}` : landing.type === 'table' ? `${landing.shopName} · ${landing.table}` : landing.shopName;
  const attributes: Record<string, string> = { shop: landing.shopSlug };
  if (landing.type === 'product') attributes.product = landing.productId;
  if (landing.type === 'table') Object.assign(attributes, { table: landing.table, 'table-token': landing.token });
  if (landing.type === 'order') Object.assign(attributes, { order: landing.orderId, 'order-token': landing.token });
  const element = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  const meta = [
    ['og:type', 'website'],
    ['og:title', title],
    ['og:description', landing.shopDescription || landing.shopName],
    ['og:url', pageUrl],
    ['og:site_name', 'Minishop'],
  ]
    .map(([property, content]) => `<meta property="${property}" content="${escapeHtml(content ?? '')}">`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>${meta}<style>${PAGE_STYLE}</style></head><body><main><minishop-store${element}></minishop-store></main><script src="/widget.js" async></script></body></html>`;
}

/** The widget alone, for a host chat to frame: the host talks to it through the bridge (postMessage). */
export function embedPage(shopSlug: string, shopName: string, origins: readonly string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(shopName)}</title><style>body{margin:0}</style></head><body><minishop-store shop="${escapeHtml(shopSlug)}" bridge-origins="${escapeHtml(origins.join(' '))}"></minishop-store><script src="/widget.js" async></script></body></html>`;
}
