/** The store API's answers, as far as the panel reads them (docs/shoppers-carts-qr.md, docs/orders.md). */
export interface Shop {
  slug: string;
  name: string;
  description: string;
  currency: string;
  fulfilmentMethods: ('delivery' | 'pickup' | 'table')[];
}
export interface Category {
  id: string;
  name: string;
  productCount: number;
}
export interface ProductSummary {
  id: string;
  title: string;
  priceFromMinor: number | null;
  currency: string;
  available: boolean;
  images: { url: string; alt?: string }[] | string[];
}
export interface Variant {
  id: string;
  title: string;
  priceMinor: number;
  available: number;
}
export interface Product extends ProductSummary {
  description: string;
  variants: Variant[];
}
export interface CartLine {
  variantId: string;
  productTitle: string;
  variantTitle: string;
  quantity: number;
  lineTotalMinor: number;
  availableQuantity: number;
  problem: string | null;
}
export interface Cart {
  currency: string;
  lines: CartLine[];
  itemCount: number;
  totalMinor: number;
  hasProblems: boolean;
}
export interface Order {
  id: string;
  number: number;
  status: string;
  currency: string;
  totalMinor: number;
  fulfilmentMethod: string;
  lines?: { id: string; productTitle: string; variantTitle: string; quantity: number; lineTotalMinor: number }[];
}
export interface Wallet {
  currency: string;
  availableMinor: number;
}
