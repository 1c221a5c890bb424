import { useEffect, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { Cart, Product } from '../types.ts';
import { ShareButton } from './share-button.tsx';

export function ProductView({ options, id, back, add, cart }: { options: PanelOptions; id: string; back(): void; add(variantId: string, quantity: number, title: string): Promise<void>; cart: Cart | null }) {
  const { api, i18n, shopSlug } = options;
  const { t } = i18n;
  const [product, setProduct] = useState<Product | null>(null);
  const [variantId, setVariantId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<Product>(`/api/store/shops/${encodeURIComponent(shopSlug)}/products/${id}`).then((loaded) => {
      setProduct(loaded);
      setVariantId((current) => current ?? loaded.variants.find((variant) => variant.available > 0)?.id ?? loaded.variants[0]?.id ?? null);
    }, (failure: unknown) => setError(errorText(failure)));
  }, [id, cart]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!product) return <p role="status">{t('loading')}</p>;
  const variant = product.variants.find((candidate) => candidate.id === variantId) ?? null;
  const inCart = cart?.lines.find((line) => line.variantId === variantId)?.quantity ?? 0;

  return (
    <section>
      <button type="button" onClick={back}>
        {t('back')}
      </button>
      <Heading text={product.title} />
      {product.description && <p>{product.description}</p>}
      {product.variants.length > 1 && (
        <fieldset>
          <legend>{t('variant')}</legend>
          {product.variants.map((candidate) => (
            <label class="choice" key={candidate.id}>
              <input type="radio" name="variant" checked={candidate.id === variantId} onChange={() => setVariantId(candidate.id)} />
              {candidate.title} · {i18n.money(candidate.priceMinor, product.currency)}
            </label>
          ))}
        </fieldset>
      )}
      {variant && (
        <p>
          <span class="price">{i18n.money(variant.priceMinor, product.currency)}</span>{' '}
          <span class="muted">{variant.available > 0 ? t('inStock', { n: variant.available }) : t('outOfStock')}</span>
        </p>
      )}
      <ShareButton options={options} target={{ kind: 'product', targetId: product.id }} label={t('share')} />{' '}
      <button
        type="button"
        class="primary"
        disabled={!variant || variant.available <= inCart || busy}
        onClick={async () => {
          if (!variant) return;
          setBusy(true);
          setError(null);
          try {
            await add(variant.id, inCart + 1, `${product.title} ${variant.title}`);
          } catch (failure) {
            setError(errorText(failure));
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('addToCart')}
      </button>
    </section>
  );
}
