import type { CurrencyCode } from '../money.ts';
import type { ShopFulfilmentSettings } from '../modules/fulfilment/shop-fulfilment-settings.ts';
import type { StaffRole } from '../modules/staff/membership.entity.ts';

/** The demo platform as data: who works where, and what each shop sells (prices in minor units). */
export interface DemoVariant {
  title: string;
  sku: string;
  priceMinor: number;
  stock: number;
}

export interface DemoProduct {
  title: string;
  category: string;
  description: string;
  variants: DemoVariant[];
}

export interface DemoShop {
  slug: string;
  name: string;
  description: string;
  currency: CurrencyCode;
  categories: string[];
  products: DemoProduct[];
  /** What checkout offers (docs/orders.md §10); absent: pickup only. */
  fulfilment?: ShopFulfilmentSettings;
}

export interface DemoStaffMember {
  email: string;
  name: string;
  role: StaffRole;
}

export interface DemoMerchant {
  name: string;
  staff: DemoStaffMember[];
  shops: DemoShop[];
}

function variant(title: string, sku: string, priceMinor: number, stock: number): DemoVariant {
  return { title, sku, priceMinor, stock };
}

/** One variant per size, same price: shoes and socks. */
function sizes(skuStem: string, priceMinor: number, stockBySize: Record<string, number>): DemoVariant[] {
  return Object.entries(stockBySize).map(([size, stock]) => variant(size, `${skuStem}-${size.replace(/\W+/g, '').toUpperCase()}`, priceMinor, stock));
}

const lotusTeaHouse: DemoShop = {
  slug: 'lotus-tea-house',
  name: 'Lotus Tea House',
  description: 'Loose-leaf teas from small gardens, and the teaware to brew them.',
  currency: 'EUR',
  categories: ['Green tea', 'Oolong', 'Black and pu-erh', 'Teaware'],
  products: [
    { title: 'Jasmine Dragon Pearls', category: 'Green tea', description: 'Hand-rolled green tea scented with jasmine blossoms over six nights.', variants: [variant('50 g', 'TEA-JDP-50G', 950, 40), variant('100 g', 'TEA-JDP-100G', 1700, 25)] },
    { title: 'Longjing Dragon Well', category: 'Green tea', description: 'Pan-fired spring green tea from Hangzhou: chestnut, sweet grass.', variants: [variant('50 g', 'TEA-LDW-50G', 1200, 30), variant('100 g', 'TEA-LDW-100G', 2200, 12)] },
    { title: 'Fukamushi Sencha', category: 'Green tea', description: 'Deep-steamed Japanese sencha, thick and brothy.', variants: [variant('50 g', 'TEA-SEN-50G', 850, 35), variant('100 g', 'TEA-SEN-100G', 1550, 20)] },
    { title: 'Tieguanyin Iron Goddess', category: 'Oolong', description: 'Lightly oxidised Anxi oolong with an orchid finish.', variants: [variant('50 g', 'TEA-TGY-50G', 1050, 28), variant('100 g', 'TEA-TGY-100G', 1900, 15)] },
    { title: 'Da Hong Pao', category: 'Oolong', description: 'Charcoal-roasted Wuyi rock oolong: cocoa, stone fruit, minerals.', variants: [variant('50 g', 'TEA-DHP-50G', 1400, 18), variant('100 g', 'TEA-DHP-100G', 2600, 0)] },
    { title: 'Yunnan Golden Tips', category: 'Black and pu-erh', description: 'Golden-budded black tea, malty and honeyed.', variants: [variant('50 g', 'TEA-YGT-50G', 900, 40), variant('100 g', 'TEA-YGT-100G', 1650, 22)] },
    { title: 'Aged Shou Pu-erh Cake', category: 'Black and pu-erh', description: 'A 357 g pressed cake, aged eight years: earthy and smooth.', variants: [variant('357 g cake', 'TEA-PUE-357G', 3800, 10)] },
    { title: 'Yixing Clay Teapot', category: 'Teaware', description: 'Hand-thrown zisha teapot, 200 ml, for oolong and pu-erh.', variants: [variant('200 ml', 'TEA-YXP-200ML', 6400, 5)] },
    { title: 'Celadon Tea Cups', category: 'Teaware', description: 'Four small cups with a pale jade glaze.', variants: [variant('Set of 4', 'TEA-CEL-SET4', 2400, 14)] },
  ],
};

const lotusDumplings: DemoShop = {
  slug: 'lotus-dumplings',
  name: 'Lotus Dumplings',
  description: 'Dumplings folded by hand every morning, for pick-up or delivery.',
  currency: 'EUR',
  // Delivery by distance from a kitchen in Berlin Mitte, free from 40 EUR; pick-up; and table QR codes.
  fulfilment: {
    fulfilmentMethods: ['delivery', 'pickup', 'table'],
    position: { latitude: 52.5246, longitude: 13.4027 },
    delivery: {
      fee: { kind: 'distance_bands', bands: [{ upToMeters: 2_000, feeMinor: 250 }, { upToMeters: 5_000, feeMinor: 450 }, { upToMeters: 8_000, feeMinor: 700 }] },
      freeFromSubtotalMinor: 4_000,
      area: { countries: ['DE'] },
    },
  },
  categories: ['Dumplings', 'Bao and buns', 'Sides', 'Drinks'],
  products: [
    { title: 'Pork and Chive Dumplings', category: 'Dumplings', description: 'Pan-fried, crisp-bottomed, with black vinegar.', variants: [variant('6 pieces', 'DUM-PCD-6', 650, 60), variant('12 pieces', 'DUM-PCD-12', 1190, 40)] },
    { title: 'Shrimp Har Gow', category: 'Dumplings', description: 'Steamed crystal-skin dumplings with whole shrimp.', variants: [variant('4 pieces', 'DUM-HGW-4', 720, 45)] },
    { title: 'Xiaolongbao Soup Dumplings', category: 'Dumplings', description: 'Pleated pork soup dumplings, eighteen folds each.', variants: [variant('6 pieces', 'DUM-XLB-6', 840, 50)] },
    { title: 'Chili Oil Wontons', category: 'Dumplings', description: 'Pork wontons in Sichuan chili oil with sesame.', variants: [variant('8 pieces', 'DUM-COW-8', 780, 38)] },
    { title: 'Mushroom and Tofu Dumplings', category: 'Dumplings', description: 'Shiitake, tofu and greens; vegan.', variants: [variant('6 pieces', 'DUM-MTD-6', 620, 42), variant('12 pieces', 'DUM-MTD-12', 1140, 25)] },
    { title: 'Char Siu Bao', category: 'Bao and buns', description: 'Fluffy steamed buns filled with barbecue pork.', variants: [variant('2 pieces', 'DUM-CSB-2', 560, 48)] },
    { title: 'Scallion Pancake', category: 'Sides', description: 'Flaky, layered and pan-crisped, with soy dip.', variants: [variant('One pancake', 'DUM-SCP-1', 490, 30)] },
    { title: 'Smashed Cucumber Salad', category: 'Sides', description: 'Garlic, black vinegar and chili crunch.', variants: [variant('One bowl', 'DUM-SCS-1', 450, 26)] },
    { title: 'Iced Jasmine Milk Tea', category: 'Drinks', description: 'Cold-brewed jasmine tea with oat milk.', variants: [variant('450 ml', 'DUM-IJM-450', 390, 70)] },
  ],
};

const neonSneakers: DemoShop = {
  slug: 'neon-sneakers',
  name: 'Neon Sneakers',
  description: 'Bright shoes for running, court and skate.',
  currency: 'USD',
  categories: ['Running', 'Court', 'Skate', 'Accessories'],
  products: [
    { title: 'Neon Runner 2', category: 'Running', description: 'Light daily trainer with a reflective upper.', variants: sizes('NEO-RUN2', 12900, { 'US 8': 6, 'US 9': 9, 'US 10': 7, 'US 11': 4 }) },
    { title: 'Volt Trail', category: 'Running', description: 'Waterproof trail shoe with a lugged outsole.', variants: sizes('NEO-VLT', 14900, { 'US 9': 5, 'US 10': 4, 'US 11': 0 }) },
    { title: 'Pulse Court Low', category: 'Court', description: 'Leather court classic with a glow-in-the-dark sole.', variants: sizes('NEO-PCL', 8900, { 'US 7': 3, 'US 8': 8, 'US 9': 10, 'US 10': 6 }) },
    { title: 'Afterglow High', category: 'Court', description: 'High-top in suede with neon piping.', variants: sizes('NEO-AGH', 10900, { 'US 8': 4, 'US 9': 6, 'US 10': 5 }) },
    { title: 'Midnight Skate Pro', category: 'Skate', description: 'Vulcanised skate shoe with a reinforced ollie patch.', variants: sizes('NEO-MSP', 7400, { 'US 8': 7, 'US 9': 9, 'US 10': 8, 'US 11': 3 }) },
    { title: 'Glow Laces', category: 'Accessories', description: 'One pair of laces that glow after dark.', variants: [variant('Pink', 'NEO-LACE-PNK', 900, 50), variant('Green', 'NEO-LACE-GRN', 900, 45), variant('Blue', 'NEO-LACE-BLU', 900, 40)] },
    { title: 'Reflective Crew Socks', category: 'Accessories', description: 'Three pairs of crew socks with reflective stripes.', variants: sizes('NEO-SOX', 1800, { S: 20, M: 30, L: 25 }) },
  ],
};

export const DEMO_EMAIL_DOMAIN = 'demo.minishop.dev';
export const DEMO_PASSWORD = 'minishop-demo';
export const DEMO_OPERATOR = { email: `operator@${DEMO_EMAIL_DOMAIN}`, name: 'Olivia Operator' } as const;

export const DEMO_MERCHANTS: DemoMerchant[] = [
  {
    name: 'Lotus Trading Co.',
    staff: [
      { email: `owner@${DEMO_EMAIL_DOMAIN}`, name: 'Lin Owner', role: 'owner' },
      { email: `manager@${DEMO_EMAIL_DOMAIN}`, name: 'Mei Manager', role: 'manager' },
      { email: `clerk@${DEMO_EMAIL_DOMAIN}`, name: 'Chen Clerk', role: 'clerk' },
      { email: `finance@${DEMO_EMAIL_DOMAIN}`, name: 'Fang Finance', role: 'finance' },
    ],
    shops: [lotusTeaHouse, lotusDumplings],
  },
  {
    name: 'Neon Footwear LLC',
    staff: [{ email: `owner2@${DEMO_EMAIL_DOMAIN}`, name: 'Nia Owner', role: 'owner' }],
    shops: [neonSneakers],
  },
];

/** `Pork and Chive Dumplings` -> `pork-and-chive-dumplings`: the name of its placeholder picture. */
export function slugOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
