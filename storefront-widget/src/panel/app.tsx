import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type StoreApi } from './api.ts';
import type { Translator } from './i18n.ts';
import { followOrder } from './live.ts';
import type { Bridge } from './bridge.ts';
import type { TelegramMainButton } from './index.tsx';
import { RouteView, type Position } from './route-view.tsx';
import type { Cart, Category, Order, Product, ProductSummary, Shop, Wallet } from './types.ts';

export interface PanelOptions {
  api: StoreApi;
  /** The <minishop-store> element: card forms mount in its light DOM (Stripe refuses shadow roots). */
  host: HTMLElement;
  /** The host chat that framed the widget (/embed/<slug>), or null. */
  bridge: Bridge | null;
  /** Telegram's main button when the widget runs as a Mini App: it places the order from the cart. */
  mainButton: TelegramMainButton | null;
  shopSlug: string;
  /** A product to open first (a shared card, a product code). */
  productId: string | null;
  /** The signed table code the shopper scanned: table service at checkout. */
  tableToken: string | null;
  tableLabel: string | null;
  /** An order's payment code opened from /s/<token>: the order to pay. */
  orderToken: string | null;
  i18n: Translator;
}

type View =
  | { name: 'catalog' }
  | { name: 'product'; id: string }
  | { name: 'cart' }
  | { name: 'orders' }
  | { name: 'order'; id: string }
  | { name: 'pay-code' }
  | { name: 'wallet'; returnToOrderId: string | null }
  | { name: 'payment-code' }
  | { name: 'scan' };

function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

/** Moves focus to the view's heading when the view changes, so keyboard and screen reader users follow. */
function Heading({ text }: { text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), [text]);
  return (
    <h2 tabIndex={-1} ref={ref}>
      {text}
    </h2>
  );
}

export function App({ options }: { options: PanelOptions }) {
  const { api, shopSlug, i18n } = options;
  const { t } = i18n;
  const shopPath = `/api/store/shops/${encodeURIComponent(shopSlug)}`;
  const [shop, setShop] = useState<Shop | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [view, setView] = useState<View>(options.orderToken ? { name: 'pay-code' } : options.productId ? { name: 'product', id: options.productId } : { name: 'catalog' });
  const [cart, setCart] = useState<Cart | null>(null);
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    api.get<Shop>(shopPath).then(setShop, () => setFailure(t('shopUnavailable')));
    api.request<Cart>('GET', `${shopPath}/cart`).then(setCart, () => undefined);
  }, []);

  if (failure) return <p class="error" role="alert">{failure}</p>;
  if (!shop) return <p role="status">{t('loading')}</p>;

  const setQuantity = async (variantId: string, quantity: number, title: string) => {
    const updated = await api.request<Cart>('PUT', `${shopPath}/cart/lines/${variantId}`, { quantity });
    setCart(updated);
    setAnnouncement(t(quantity > 0 ? 'added' : 'removed', { title, n: updated.itemCount }));
  };

  return (
    <div>
      <nav class="bar" aria-label={shop.name}>
        <button type="button" onClick={() => setView({ name: 'catalog' })}>
          {shop.name}
        </button>
        <button type="button" onClick={() => setView({ name: 'cart' })}>
          {t('cart', { n: cart?.itemCount ?? 0 })}
        </button>
        <button type="button" onClick={() => setView({ name: 'orders' })}>
          {t('orders')}
        </button>
        <button type="button" onClick={() => setView({ name: 'wallet', returnToOrderId: null })}>
          {t('walletTitle')}
        </button>
        <button type="button" onClick={() => setView({ name: 'payment-code' })}>
          {t('payAtCounter')}
        </button>
        <button type="button" onClick={() => setView({ name: 'scan' })}>
          {t('scanToPay')}
        </button>
        {options.bridge && (
          <button type="button" onClick={() => options.bridge?.send('close')}>
            {t('close')}
          </button>
        )}
      </nav>
      <div class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
      {view.name === 'catalog' && <Catalog options={options} shop={shop} open={(id) => setView({ name: 'product', id })} />}
      {view.name === 'product' && <ProductView options={options} id={view.id} back={() => setView({ name: 'catalog' })} add={setQuantity} cart={cart} />}
      {view.name === 'cart' && (
        <CartView options={options} shop={shop} cart={cart} setQuantity={setQuantity} placed={(order) => { setCart(null); api.request<Cart>('GET', `${shopPath}/cart`).then(setCart, () => undefined); setView({ name: 'order', id: order.id }); }} />
      )}
      {view.name === 'orders' && <OrdersView options={options} open={(id) => setView({ name: 'order', id })} />}
      {view.name === 'order' && <OrderView options={options} id={view.id} topUp={() => setView({ name: 'wallet', returnToOrderId: view.id })} />}
      {view.name === 'scan' && <ScanView options={options} paid={(order) => setView({ name: 'order', id: order.id })} />}
      {view.name === 'payment-code' && <PaymentCodeView options={options} announce={setAnnouncement} />}
      {view.name === 'wallet' && (
        <WalletView
          options={options}
          currency={shop.currency}
          announce={setAnnouncement}
          done={() => view.returnToOrderId && setView({ name: 'order', id: view.returnToOrderId })}
        />
      )}
      {view.name === 'pay-code' && <PayCodeView options={options} paid={(order) => setView({ name: 'order', id: order.id })} />}
    </div>
  );
}

function Catalog({ options, shop, open }: { options: PanelOptions; shop: Shop; open(id: string): void }) {
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

function ProductView({ options, id, back, add, cart }: { options: PanelOptions; id: string; back(): void; add(variantId: string, quantity: number, title: string): Promise<void>; cart: Cart | null }) {
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
      {options.bridge && (
        <button type="button" onClick={() => options.bridge?.send('share', { card: { shop: shopSlug, productId: product.id, title: product.title } })}>
          {t('share')}
        </button>
      )}{' '}
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

const ADDRESS_FIELDS = ['recipient', 'phone', 'line1', 'line2', 'city', 'postalCode', 'country'] as const;
type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;

function CartView({ options, shop, cart, setQuantity, placed }: { options: PanelOptions; shop: Shop; cart: Cart | null; setQuantity(variantId: string, quantity: number, title: string): Promise<void>; placed(order: Order): void }) {
  const { api, i18n, tableToken, tableLabel } = options;
  const { t } = i18n;
  const methods = shop.fulfilmentMethods.filter((method) => method !== 'table' || tableToken);
  const [method, setMethod] = useState<string>(tableToken && methods.includes('table') ? 'table' : methods.includes('pickup') ? 'pickup' : (methods[0] ?? 'pickup'));
  const [address, setAddress] = useState<AddressForm>({ recipient: '', phone: '', line1: '', line2: '', city: '', postalCode: '', country: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [quote, setQuote] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const placeOrder = async () => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const body: Record<string, unknown> = { source: 'cart', fulfilmentMethod: method };
      if (method === 'table' && tableToken) body.tableToken = tableToken;
      if (method === 'delivery') body.address = addressBody();
      const order = await api.request<Order>('POST', `/api/store/shops/${encodeURIComponent(shop.slug)}/orders`, body, true, { 'idempotency-key': crypto.randomUUID() });
      placed(order);
    } catch (failure) {
      fail(failure);
    } finally {
      setBusy(false);
    }
  };
  // Telegram's main button does what "Place order" does, while the cart has something to order.
  const placeOrderRef = useRef(placeOrder);
  placeOrderRef.current = placeOrder;
  const orderable = Boolean(cart && cart.lines.length > 0 && !cart.hasProblems);
  useEffect(() => {
    const button = options.mainButton;
    if (!button || !orderable) return;
    const onClick = () => void placeOrderRef.current();
    button.setText(t('placeOrder'));
    button.onClick(onClick);
    button.show();
    return () => {
      button.offClick(onClick);
      button.hide();
    };
  }, [orderable]);

  if (!cart) return <p role="status">{t('loading')}</p>;
  const addressBody = () => {
    const body: Record<string, string> = {};
    for (const field of ADDRESS_FIELDS) if (address[field].trim()) body[field] = field === 'country' ? address[field].trim().toUpperCase() : address[field].trim();
    return body;
  };
  const fail = (failure: unknown) => {
    const fields = failure instanceof ApiError ? failure.fields : undefined;
    // The API names address fields as `address.<field>`.
    setFieldErrors(Object.fromEntries(Object.entries(fields ?? {}).map(([name, message]) => [name.replace(/^address\./, ''), message])));
    setError(errorText(failure));
  };
  const label = (candidate: string) => (candidate === 'table' ? t('table', { table: tableLabel ?? '' }) : candidate === 'delivery' ? t('delivery') : t('pickup'));
  return (
    <section>
      <Heading text={t('cartTitle')} />
      {cart.lines.length === 0 ? (
        <p>{t('cartEmpty')}</p>
      ) : (
        <>
          <ul class="lines">
            {cart.lines.map((line) => {
              const title = `${line.productTitle} ${line.variantTitle}`;
              return (
                <li key={line.variantId}>
                  <span>{title}</span>
                  <input
                    type="number"
                    min={0}
                    max={Math.min(99, line.availableQuantity)}
                    value={line.quantity}
                    aria-label={t('quantityOf', { title })}
                    onChange={(event) => void setQuantity(line.variantId, Math.max(0, Number(event.currentTarget.value) || 0), title).catch(fail)}
                  />
                  <span>{i18n.money(line.lineTotalMinor, cart.currency)}</span>
                  <button type="button" aria-label={t('remove', { title })} onClick={() => void setQuantity(line.variantId, 0, title).catch(fail)}>
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
          <p class="price">
            {t('total')}: {i18n.money(cart.totalMinor, cart.currency)}
          </p>
          <fieldset>
            <legend>{t('fulfilment')}</legend>
            {methods.map((candidate) => (
              <label class="choice" key={candidate}>
                <input type="radio" name="fulfilment" checked={candidate === method} onChange={() => setMethod(candidate)} />
                {label(candidate)}
              </label>
            ))}
          </fieldset>
          {method === 'delivery' && (
            <fieldset class="address">
              <legend>{t('deliveryAddress')}</legend>
              {ADDRESS_FIELDS.map((field) => (
                <label key={field} class="field">
                  <span>{t(`address_${field}`)}</span>
                  <input
                    value={address[field]}
                    autocomplete={{ recipient: 'name', phone: 'tel', line1: 'address-line1', line2: 'address-line2', city: 'address-level2', postalCode: 'postal-code', country: 'country' }[field]}
                    aria-invalid={fieldErrors[field] ? 'true' : undefined}
                    onInput={(event) => {
                      setAddress({ ...address, [field]: event.currentTarget.value });
                      setQuote(null);
                    }}
                    onBlur={() => {
                      const body = addressBody();
                      if (!body.line1 || !body.city || !body.postalCode || !body.country || !body.recipient || !body.phone) return;
                      api.request<{ deliveryFeeMinor: number }>('POST', `/api/store/shops/${encodeURIComponent(shop.slug)}/delivery-quote`, { address: body, subtotalMinor: cart.totalMinor }).then(
                        (answer) => {
                          setQuote(answer.deliveryFeeMinor);
                          setFieldErrors({});
                          setError(null);
                        },
                        fail,
                      );
                    }}
                  />
                  {fieldErrors[field] && <span class="error">{fieldErrors[field]}</span>}
                </label>
              ))}
              {quote !== null && <p>{t('deliveryFee', { amount: i18n.money(quote, cart.currency) })}</p>}
            </fieldset>
          )}
          {error && <p class="error" role="alert">{error}</p>}
          <button type="button" class="primary" disabled={busy || cart.hasProblems} onClick={placeOrder}>
            {t('placeOrder')}
          </button>
        </>
      )}
    </section>
  );
}

function OrdersView({ options, open }: { options: PanelOptions; open(id: string): void }) {
  const { api, i18n } = options;
  const { t } = i18n;
  const [orders, setOrders] = useState<Order[] | null>(null);
  useEffect(() => {
    api.request<{ items: Order[] }>('GET', '/api/store/orders?pageSize=20').then((page) => setOrders(page.items), () => setOrders([]));
  }, []);
  return (
    <section>
      <Heading text={t('orders')} />
      {orders === null ? (
        <p role="status">{t('loading')}</p>
      ) : orders.length === 0 ? (
        <p>{t('noOrders')}</p>
      ) : (
        <ul class="lines">
          {orders.map((order) => (
            <li key={order.id}>
              <button type="button" onClick={() => open(order.id)}>
                {t('order', { n: order.number })}
              </button>
              <span>{t('status', { s: order.status })}</span>
              <span>{i18n.money(order.totalMinor, order.currency)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OrderView({ options, id, topUp }: { options: PanelOptions; id: string; topUp(): void }) {
  const { api, i18n } = options;
  const { t } = i18n;
  const [order, setOrder] = useState<Order | null>(null);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const [tracking, setTracking] = useState<{ id: string; status: string; message: string; happenedAt: string; position: Position | null }[]>([]);

  useEffect(() => {
    api.request<Order>('GET', `/api/store/orders/${id}`).then((loaded) => {
      setOrder(loaded);
      if (loaded.status === 'pending_payment') api.request<Wallet>('GET', `/api/store/wallet?currency=${loaded.currency}`).then(setWallet, () => undefined);
    }, (failure: unknown) => setError(errorText(failure)));
    // Live: the status and the courier's updates as they happen (snapshot first, then events).
    return followOrder(api, id, (message) => {
      const payload = message.payload as { status?: string; order?: { status: string }; tracking?: Record<string, unknown> | null } & Record<string, unknown>;
      const status = message.type === 'snapshot' ? payload.order?.status : message.type === 'updated' ? payload.status : undefined;
      if (status) setOrder((current) => (current ? { ...current, status } : current));
      const event = message.type === 'tracking' ? payload : message.type === 'snapshot' ? payload.tracking : null;
      if (event && typeof event.trackingEventId === 'string') {
        const entry = { id: event.trackingEventId, status: String(event.status), message: String(event.message ?? ''), happenedAt: String(event.happenedAt), position: (event.position as Position | null) ?? null };
        setTracking((current) => (current.some((known) => known.id === entry.id) ? current : [...current, entry]));
      }
    });
  }, [id]);

  if (!order) return error ? <p class="error" role="alert">{error}</p> : <p role="status">{t('loading')}</p>;
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(null);
    try {
      setOrder(await api.request<Order>('POST', `/api/store/orders/${order.id}/${path}`, body));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <Heading text={t('order', { n: order.number })} />
      <p role="status">{order.status === 'paid' ? t('paid') : t('status', { s: order.status })}</p>
      <ul class="lines">
        {order.lines?.map((line) => (
          <li key={line.id}>
            <span>
              {line.quantity} × {line.productTitle} {line.variantTitle}
            </span>
            <span>{i18n.money(line.lineTotalMinor, order.currency)}</span>
          </li>
        ))}
      </ul>
      <p class="price">
        {t('total')}: {i18n.money(order.totalMinor, order.currency)}
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      {order.status === 'pending_payment' && (
        <>
          {wallet && <p>{t('wallet', { amount: i18n.money(wallet.availableMinor, wallet.currency) })}</p>}
          <div class="bar">
            <button type="button" class="primary" disabled={busy} onClick={() => act('pay', { method: 'wallet' })}>
              {t('payWallet', { amount: i18n.money(order.totalMinor, order.currency) })}
            </button>
            {wallet && wallet.availableMinor < order.totalMinor && (
              <button type="button" onClick={topUp}>
                {t('topUpWallet')}
              </button>
            )}
          </div>
        </>
      )}
      {tracking.length > 0 && (
        <>
          <h3>{t('deliveryUpdates')}</h3>
          <RouteView positions={tracking.flatMap((entry) => (entry.position ? [entry.position] : []))} label={t('courierRoute')} />
          <ol class="timeline">
            {tracking.map((entry) => (
              <li key={entry.id}>
                {new Date(entry.happenedAt).toLocaleTimeString(i18n.locale, { hour: '2-digit', minute: '2-digit' })} · {entry.status.replace(/_/g, ' ')}
                {entry.message ? ` · ${entry.message}` : ''}
              </li>
            ))}
          </ol>
        </>
      )}
      {order.status === 'delivered' && (
        <button type="button" class="primary" disabled={busy} onClick={() => act('confirm-receipt')}>
          {t('confirmReceipt')}
        </button>
      )}
    </section>
  );
}

/** An order's payment code (shown at a counter, opened from /s/<token>): paid from the scanning shopper's wallet. */
function PayCodeView({ options, paid }: { options: PanelOptions; paid(order: Order): void }) {
  const { api, i18n, shopSlug, orderToken } = options;
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <section>
      <Heading text={t('payCode')} />
      {error && <p class="error" role="alert">{error}</p>}
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            paid(await api.request<Order>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/order-codes/pay`, { token: orderToken }));
          } catch (failure) {
            setError(errorText(failure));
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('payFromWallet')}
      </button>
    </section>
  );
}

/** The wallet: its balance, and top-ups by card through Stripe's Payment Element (loaded only now). */
function WalletView({ options, currency, announce, done }: { options: PanelOptions; currency: string; announce(text: string): void; done(): void }) {
  const { api, i18n, host } = options;
  const { t } = i18n;
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [form, setForm] = useState<{ amountMinor: number; topUpId: string; confirm(): Promise<void>; remove(): void } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const unit = 10 ** i18n.exponent(currency);
  const refresh = () => api.request<Wallet>('GET', `/api/store/wallet?currency=${currency}`).then(setWallet, (failure: unknown) => setError(errorText(failure)));

  useEffect(() => {
    void refresh();
  }, []);
  // The card form lives in the host page's DOM: take it away with the view.
  useEffect(() => () => form?.remove(), [form]);

  const start = async (amountMinor: number) => {
    setBusy(true);
    setError(null);
    try {
      const started = await api.request<{ topUp: { id: string }; payment: { clientSecret: string } | null }>('POST', '/api/store/wallet/top-ups', { amountMinor, currency }, true, {
        'idempotency-key': crypto.randomUUID(),
      });
      if (!started.payment) throw new Error('The top-up could not start.');
      const [{ mountCardForm }, settings] = await Promise.all([import('./stripe-card.ts'), api.get<import('./stripe-card.ts').PaymentSettings>('/api/store/payment-settings')]);
      const card = await mountCardForm(host, settings, started.payment.clientSecret);
      setForm({ amountMinor, topUpId: started.topUp.id, ...card });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const pay = async () => {
    if (!form) return;
    setBusy(true);
    setError(null);
    try {
      await form.confirm();
      announce(t('waiting'));
      // The wallet is credited when Stripe's webhook reaches the API: wait for it (at most a minute).
      for (let attempt = 0; attempt < 120; attempt += 1) {
        const topUp = await api.request<{ status: string; failureCode?: string | null }>('GET', `/api/store/wallet/top-ups/${form.topUpId}`);
        if (topUp.status === 'succeeded') break;
        if (topUp.status === 'failed') throw new Error(topUp.failureCode ?? 'The card payment failed.');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      announce(t('toppedUp', { amount: i18n.money(form.amountMinor, currency) }));
      form.remove();
      setForm(null);
      await refresh();
      done();
    } catch (failure) {
      // A refused card ends this top-up (Stripe failed its intent): the shopper starts a new one.
      form.remove();
      setForm(null);
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <Heading text={t('walletTitle')} />
      {wallet && <p>{t('wallet', { amount: i18n.money(wallet.availableMinor, wallet.currency) })}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {form ? (
        <>
          <slot name="payment" />
          <button type="button" class="primary" disabled={busy} onClick={pay}>
            {t('payByCard', { amount: i18n.money(form.amountMinor, currency) })}
          </button>
        </>
      ) : (
        <div class="bar">
          {[10, 20, 50].map((major) => (
            <button type="button" key={major} disabled={busy} onClick={() => start(major * unit)}>
              {t('topUp', { amount: i18n.money(major * unit, currency) })}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

interface CounterCharge {
  id: string;
  amountMinor: number;
  currency: string;
  status: string;
  shopName: string;
}

/**
 * The shopper's payment code for the counter: a fresh code when the API says so (every 50 s of a 60 s
 * life), drawn from the API's SVG; charges above the threshold wait for consent, asked in a dialog as
 * soon as one appears (polled every 2 s while the code is shown: GET /ws carries orders only).
 */
function PaymentCodeView({ options, announce }: { options: PanelOptions; announce(text: string): void }) {
  const { api, i18n, shopSlug } = options;
  const { t } = i18n;
  const [image, setImage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<CounterCharge | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const issue = async () => {
      try {
        const code = await api.request<{ token: string; refreshAfterSeconds: number }>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/payment-codes`);
        const svg = await api.text(`/api/store/payment-codes/${code.token}.svg`);
        if (stopped) return;
        setImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
        timer = setTimeout(() => void issue(), code.refreshAfterSeconds * 1000);
      } catch (failure) {
        setError(errorText(failure));
        timer = setTimeout(() => void issue(), 10_000);
      }
    };
    void issue();
    const poll = setInterval(() => {
      api.request<CounterCharge[]>('GET', '/api/store/payment-code-charges?status=awaiting_confirmation').then(
        (charges) => setPending((current) => current ?? charges[0] ?? null),
        () => undefined,
      );
    }, 2_000);
    return () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, []);

  const answer = async (verb: 'confirm' | 'decline') => {
    if (!pending) return;
    setBusy(true);
    try {
      const charge = await api.request<CounterCharge>('POST', `/api/store/payment-code-charges/${pending.id}/${verb}`);
      announce(charge.status === 'succeeded' ? t('chargeConfirmed', { amount: i18n.money(charge.amountMinor, charge.currency), shop: charge.shopName }) : t('chargeDeclined'));
      setPending(null);
    } catch (failure) {
      setError(errorText(failure));
      setPending(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <Heading text={t('payAtCounter')} />
      <p>{t('paymentCodeHelp')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {image && <img class="code" src={image} alt={t('paymentCodeImage')} />}
      {pending && (
        <Dialog title={t('confirmCharge')} onCancel={() => void answer('decline')}>
          <p>{t('confirmChargeText', { shop: pending.shopName, amount: i18n.money(pending.amountMinor, pending.currency) })}</p>
          <div class="bar">
            <button type="button" class="primary" disabled={busy} onClick={() => void answer('confirm')}>
              {t('confirm')}
            </button>
            <button type="button" disabled={busy} onClick={() => void answer('decline')}>
              {t('decline')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** A modal dialog: focus moves in, Tab stays inside, Escape cancels, and focus returns where it was. */
function Dialog({ title, onCancel, children }: { title: string; onCancel(): void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current?.getRootNode() as ShadowRoot | Document | undefined;
    const previous = root?.activeElement as HTMLElement | null | undefined;
    ref.current?.querySelector<HTMLElement>('button')?.focus();
    return () => previous?.focus?.();
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') return onCancel();
    if (event.key !== 'Tab' || !ref.current) return;
    const focusable = [...ref.current.querySelectorAll<HTMLElement>('button:not([disabled])')];
    const root = ref.current.getRootNode() as ShadowRoot;
    const index = focusable.indexOf(root.activeElement as HTMLElement);
    const next = event.shiftKey ? (index <= 0 ? focusable.length - 1 : index - 1) : index === focusable.length - 1 ? 0 : index + 1;
    event.preventDefault();
    focusable[next]?.focus();
  };
  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="minishop-dialog-title" ref={ref} onKeyDown={onKeyDown}>
        <h3 id="minishop-dialog-title">{title}</h3>
        {children}
      </div>
    </div>
  );
}

/** Scan-to-pay: a photo of an order's QR code (the phone's camera through the file picker), paid from the wallet. */
function ScanView({ options, paid }: { options: PanelOptions; paid(order: Order): void }) {
  const { api, i18n, shopSlug } = options;
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const { readQrCode } = await import('./scan.ts');
      const token = await readQrCode(file);
      if (!token) throw new Error(t('noCodeFound'));
      // The code holds the link `${PUBLIC_URL}/s/<token>`; the API takes the link or the bare token.
      paid(await api.request<Order>('POST', `/api/store/shops/${encodeURIComponent(shopSlug)}/order-codes/pay`, { token }));
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <Heading text={t('scanToPay')} />
      <label class="field">
        <span>{t('scanPhoto')}</span>
        <input type="file" accept="image/*" capture="environment" disabled={busy} onChange={(event) => void onFile(event.currentTarget.files?.[0])} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
