/** English, Simplified Chinese and Arabic (right to left); prices from minor units through Intl. */

const en = {
  search: 'Search products',
  allCategories: 'All',
  categories: 'Categories',
  noProducts: 'No products found.',
  outOfStock: 'Out of stock',
  inStock: '{n} in stock',
  addToCart: 'Add to cart',
  back: 'Back',
  cart: 'Cart ({n})',
  cartTitle: 'Your cart',
  cartEmpty: 'Your cart is empty.',
  added: '{title} added. {n} items in the cart.',
  removed: '{title} removed. {n} items in the cart.',
  quantityOf: 'Quantity of {title}',
  remove: 'Remove {title}',
  total: 'Total',
  checkout: 'Checkout',
  fulfilment: 'How do you get it?',
  pickup: 'Pickup at the shop',
  table: 'At my table ({table})',
  delivery: 'Delivery',
  placeOrder: 'Place order',
  order: 'Order #{n}',
  orders: 'My orders',
  noOrders: 'No orders yet.',
  payWallet: 'Pay {amount} from my wallet',
  wallet: 'Wallet balance: {amount}',
  status: 'Status: {s}',
  paid: 'Paid. Thank you!',
  variant: 'Option',
  loading: 'Loading…',
  shopUnavailable: 'This shop is not available.',
  confirmReceipt: 'I received it',
  payCode: 'Pay this order',
  payFromWallet: 'Pay from my wallet',
  walletTitle: 'Wallet',
  topUp: 'Top up {amount}',
  payByCard: 'Pay {amount} by card',
  toppedUp: 'Wallet topped up: {amount}.',
  topUpWallet: 'Top up my wallet',
  waiting: 'Waiting for the payment…',
  deliveryUpdates: 'Delivery updates',
  courierRoute: 'Courier route',
  payAtCounter: 'Pay at the counter',
  share: 'Share in the chat',
  scanToPay: 'Scan to pay',
  scanPhoto: "Photo of the order's QR code",
  noCodeFound: 'No QR code found in this photo.',
  close: 'Close',
  deliveryAddress: 'Delivery address',
  deliveryFee: 'Delivery fee: {amount}',
  address_recipient: 'Recipient',
  address_phone: 'Phone',
  address_line1: 'Street and number',
  address_line2: 'Flat, floor (optional)',
  address_city: 'City',
  address_postalCode: 'Postal code',
  address_country: 'Country code (e.g. FR)',
  paymentCodeHelp: 'Show this code at the counter. A new code appears every minute.',
  paymentCodeImage: 'Payment code',
  confirmCharge: 'Confirm this charge',
  confirmChargeText: '{shop} asks for {amount}.',
  confirm: 'Confirm',
  decline: 'Decline',
  chargeConfirmed: 'Paid {amount} at {shop}.',
  chargeDeclined: 'Charge declined.',
};
export type Messages = typeof en;
type Key = keyof Messages;

const zh: Messages = {
  search: '搜索商品',
  allCategories: '全部',
  categories: '分类',
  noProducts: '没有找到商品。',
  outOfStock: '缺货',
  inStock: '库存 {n} 件',
  addToCart: '加入购物车',
  back: '返回',
  cart: '购物车 ({n})',
  cartTitle: '我的购物车',
  cartEmpty: '购物车是空的。',
  added: '已加入 {title}。购物车共 {n} 件。',
  removed: '已移除 {title}。购物车共 {n} 件。',
  quantityOf: '{title} 的数量',
  remove: '移除 {title}',
  total: '合计',
  checkout: '结算',
  fulfilment: '取货方式',
  pickup: '到店自取',
  table: '送到我的桌位（{table}）',
  delivery: '送货上门',
  placeOrder: '提交订单',
  order: '订单 #{n}',
  orders: '我的订单',
  noOrders: '还没有订单。',
  payWallet: '用钱包支付 {amount}',
  wallet: '钱包余额：{amount}',
  status: '状态：{s}',
  paid: '已支付，谢谢！',
  variant: '规格',
  loading: '加载中…',
  shopUnavailable: '该店铺暂不可用。',
  confirmReceipt: '确认收货',
  payCode: '支付此订单',
  payFromWallet: '用钱包支付',
  walletTitle: '钱包',
  topUp: '充值 {amount}',
  payByCard: '用银行卡支付 {amount}',
  toppedUp: '钱包已充值：{amount}。',
  topUpWallet: '为钱包充值',
  waiting: '正在等待付款…',
  deliveryUpdates: '配送动态',
  courierRoute: '骑手路线',
  payAtCounter: '到店付款',
  share: '分享到聊天',
  scanToPay: '扫码支付',
  scanPhoto: '订单二维码的照片',
  noCodeFound: '照片中没有找到二维码。',
  close: '关闭',
  deliveryAddress: '收货地址',
  deliveryFee: '配送费：{amount}',
  address_recipient: '收件人',
  address_phone: '电话',
  address_line1: '街道和门牌号',
  address_line2: '楼层、房间（可选）',
  address_city: '城市',
  address_postalCode: '邮政编码',
  address_country: '国家代码（如 CN）',
  paymentCodeHelp: '请向收银员出示此码。每分钟更新一次。',
  paymentCodeImage: '付款码',
  confirmCharge: '确认此笔扣款',
  confirmChargeText: '{shop} 请求收款 {amount}。',
  confirm: '确认',
  decline: '拒绝',
  chargeConfirmed: '已在 {shop} 支付 {amount}。',
  chargeDeclined: '已拒绝扣款。',
};

const ar: Messages = {
  search: 'ابحث عن المنتجات',
  allCategories: 'الكل',
  categories: 'الفئات',
  noProducts: 'لم يتم العثور على منتجات.',
  outOfStock: 'نفد من المخزون',
  inStock: '{n} متوفر',
  addToCart: 'أضف إلى السلة',
  back: 'رجوع',
  cart: 'السلة ({n})',
  cartTitle: 'سلتك',
  cartEmpty: 'سلتك فارغة.',
  added: 'تمت إضافة {title}. في السلة {n} عناصر.',
  removed: 'تمت إزالة {title}. في السلة {n} عناصر.',
  quantityOf: 'كمية {title}',
  remove: 'إزالة {title}',
  total: 'المجموع',
  checkout: 'الدفع',
  fulfilment: 'كيف تستلم طلبك؟',
  pickup: 'الاستلام من المتجر',
  table: 'على طاولتي ({table})',
  delivery: 'التوصيل',
  placeOrder: 'تأكيد الطلب',
  order: 'الطلب #{n}',
  orders: 'طلباتي',
  noOrders: 'لا توجد طلبات بعد.',
  payWallet: 'ادفع {amount} من محفظتي',
  wallet: 'رصيد المحفظة: {amount}',
  status: 'الحالة: {s}',
  paid: 'تم الدفع. شكرًا لك!',
  variant: 'الخيار',
  loading: 'جارٍ التحميل…',
  shopUnavailable: 'هذا المتجر غير متاح.',
  confirmReceipt: 'استلمت الطلب',
  payCode: 'ادفع هذا الطلب',
  payFromWallet: 'ادفع من محفظتي',
  walletTitle: 'المحفظة',
  topUp: 'اشحن {amount}',
  payByCard: 'ادفع {amount} بالبطاقة',
  toppedUp: 'تم شحن المحفظة: {amount}.',
  topUpWallet: 'اشحن محفظتي',
  waiting: 'في انتظار الدفع…',
  deliveryUpdates: 'تحديثات التوصيل',
  courierRoute: 'مسار المندوب',
  payAtCounter: 'ادفع عند الصندوق',
  share: 'شارك في المحادثة',
  scanToPay: 'امسح للدفع',
  scanPhoto: 'صورة رمز QR للطلب',
  noCodeFound: 'لم يتم العثور على رمز QR في هذه الصورة.',
  close: 'إغلاق',
  deliveryAddress: 'عنوان التوصيل',
  deliveryFee: 'رسوم التوصيل: {amount}',
  address_recipient: 'المستلم',
  address_phone: 'الهاتف',
  address_line1: 'الشارع والرقم',
  address_line2: 'الشقة، الطابق (اختياري)',
  address_city: 'المدينة',
  address_postalCode: 'الرمز البريدي',
  address_country: 'رمز الدولة (مثل AE)',
  paymentCodeHelp: 'اعرض هذا الرمز عند الصندوق. يظهر رمز جديد كل دقيقة.',
  paymentCodeImage: 'رمز الدفع',
  confirmCharge: 'أكّد هذا الخصم',
  confirmChargeText: '{shop} يطلب {amount}.',
  confirm: 'تأكيد',
  decline: 'رفض',
  chargeConfirmed: 'تم دفع {amount} في {shop}.',
  chargeDeclined: 'تم رفض الخصم.',
};

const MESSAGES = { en, zh, ar } as const;
export type Language = keyof typeof MESSAGES;

/** The first of the wanted tags (the host's, then the browser's) that we speak; English otherwise. */
export function chooseLanguage(wanted: readonly (string | null | undefined)[]): Language {
  for (const tag of wanted) {
    const primary = tag?.toLowerCase().split('-')[0];
    if (primary && primary in MESSAGES) return primary as Language;
  }
  return 'en';
}

export interface Translator {
  language: Language;
  locale: string;
  direction: 'ltr' | 'rtl';
  t(key: Key, values?: Record<string, string | number>): string;
  money(amountMinor: number, currency: string): string;
  /** The currency's minor-unit exponent (2 for EUR, 0 for JPY), as Intl knows it. */
  exponent(currency: string): number;
}

/** The currency's own exponent (2 for EUR, 0 for JPY, 3 for KWD), as Intl knows it. */
function exponentOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

const LOCALES: Record<Language, string> = { en: 'en', zh: 'zh-CN', ar: 'ar' };

export function translator(language: Language): Translator {
  const messages = MESSAGES[language];
  const locale = LOCALES[language];
  return {
    language,
    locale,
    direction: language === 'ar' ? 'rtl' : 'ltr',
    t: (key, values = {}) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '')),
    money(amountMinor, currency) {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountMinor / 10 ** exponentOf(currency));
    },
    exponent: exponentOf,
  };
}
