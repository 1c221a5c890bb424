import { useGetOne } from 'react-admin';

/** A variant's prices are in its shop's currency: product -> shop. */
export function useVariantCurrency(productId: string | undefined): string | undefined {
  const { data: product } = useGetOne('products', { id: productId }, { enabled: Boolean(productId) });
  const { data: shop } = useGetOne('shops', { id: product?.shopId }, { enabled: Boolean(product?.shopId) });
  return shop?.currency as string | undefined;
}
