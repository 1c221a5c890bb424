import { formatMinor, isSupportedCurrency } from '../../money.ts';
import type { NotificationKind } from './notification-events.ts';

/** The languages messages are written in; any other shopper language falls back to English. */
export type MessageLanguage = 'en' | 'zh-Hans';

/** `zh`, `zh-CN`, `zh-hans`, `zh-SG` read Simplified Chinese; everything else English. */
export function messageLanguage(shopperLanguage: string | null | undefined): MessageLanguage {
  if (!shopperLanguage) return 'en';
  const language = shopperLanguage.toLowerCase();
  if (language === 'zh' || language.startsWith('zh-hans') || language === 'zh-cn' || language === 'zh-sg') return 'zh-Hans';
  return 'en';
}

export interface MessageFacts {
  orderNumber: number | null;
  shopName: string;
  currency: string;
  /** The order total, or the refund's amount for refund_created. */
  amountMinor: number;
  /** A carrier's or courier's note, for delivery milestones. */
  note: string | null;
}

function money(facts: MessageFacts, language: MessageLanguage): string {
  return isSupportedCurrency(facts.currency) ? formatMinor(facts.amountMinor, facts.currency, language === 'zh-Hans' ? 'zh-CN' : 'en') : `${facts.amountMinor} ${facts.currency}`;
}

const TEXTS: Record<MessageLanguage, Record<NotificationKind, (facts: MessageFacts, order: string, amount: string) => string>> = {
  en: {
    order_paid: (facts, order, amount) => `Payment received: ${amount} for order ${order} at ${facts.shopName}. We will tell you when it ships.`,
    order_shipped: (facts, order) => `Order ${order} from ${facts.shopName} has shipped.`,
    out_for_delivery: (_facts, order) => `Order ${order} is out for delivery today.`,
    attempted_delivery: (facts, order) => `We tried to deliver order ${order} but could not.${facts.note ? ` ${facts.note}` : ''}`,
    order_delivered: (facts, order) => `Order ${order} from ${facts.shopName} was delivered. Enjoy!`,
    refund_created: (facts, order, amount) => `Refund of ${amount} for order ${order} at ${facts.shopName} is on its way.`,
  },
  'zh-Hans': {
    order_paid: (facts, order, amount) => `已收到付款：${facts.shopName} 订单 ${order}，${amount}。发货后会通知您。`,
    order_shipped: (facts, order) => `您在 ${facts.shopName} 的订单 ${order} 已发货。`,
    out_for_delivery: (_facts, order) => `订单 ${order} 今天正在派送中。`,
    attempted_delivery: (facts, order) => `订单 ${order} 派送未成功。${facts.note ?? ''}`.trim(),
    order_delivered: (facts, order) => `您在 ${facts.shopName} 的订单 ${order} 已送达，祝您愉快！`,
    refund_created: (facts, order, amount) => `${facts.shopName} 订单 ${order} 的退款 ${amount} 已发起。`,
  },
};

/** A short message in the shopper's language. */
export function notificationText(kind: NotificationKind, language: MessageLanguage, facts: MessageFacts): string {
  const order = facts.orderNumber === null ? '' : `#${facts.orderNumber}`;
  return TEXTS[language][kind](facts, order, money(facts, language)).replace(/\s+/g, ' ').slice(0, 1_000);
}
