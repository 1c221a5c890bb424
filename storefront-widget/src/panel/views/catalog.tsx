import { useEffect, useState } from 'preact/hooks';
import { Heading, type PanelOptions } from '../shared.tsx';
import type { Category, ProductSummary, Shop } from '../types.ts';

export function Catalog({ options, shop, open }: { options: PanelOptions; shop: Shop; open(id: string): void }) {
  const { api, i18n } = options;
  const { t } = i18n;
  const [categories, setCategories] = useState<Category[]>([]);
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [products, setProducts] = useState<ProductSummary[] | null>(null);
  const shopPath = `/api/store/shops/${encodeURIComponent(shop.slug)}`;

  useEffect(() => {
    api.get<Category[]>(`${shopPath}/categories`).then(setCategories, () => undefined);
  }, []);
  useEffect(() => {
    const search = new URLSearchParams({ pageSize: '48' });
    if (categoryId) search.set('categoryId', categoryId);
    if (query.trim()) search.set('q', query.trim());
    const timer = setTimeout(() => api.get<{ items: ProductSummary[] }>(`${shopPath}/products?${search}`).then((page) => setProducts(page.items), () => setProducts([])), query ? 200 : 0);
    return () => clearTimeout(timer);
  }, [categoryId, query]);

  return (
    <section>
      <Heading text={shop.name} />
      <div class="bar">
        <input type="search" aria-label={t('search')} placeholder={t('search')} value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
      </div>
      {categories.length > 0 && (
        <div class="bar" role="group" aria-label={t('categories')}>
          <button type="button" aria-pressed={categoryId === null} onClick={() => setCategoryId(null)}>
            {t('allCategories')}
          </button>
          {categories.map((category) => (
            <button type="button" key={category.id} aria-pressed={categoryId === category.id} onClick={() => setCategoryId(category.id)}>
              {category.name}
            </button>
          ))}
        </div>
      )}
      {products === null ? (
        <p role="status">{t('loading')}</p>
      ) : products.length === 0 ? (
        <p>{t('noProducts')}</p>
      ) : (
        <ul class="grid">
          {products.map((product) => (
            <li class="card" key={product.id}>
              <button type="button" onClick={() => open(product.id)}>
                <h3>{product.title}</h3>
                <span class="price">{product.priceFromMinor === null ? '' : i18n.money(product.priceFromMinor, product.currency)}</span>
                {!product.available && <span class="muted"> · {t('outOfStock')}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
