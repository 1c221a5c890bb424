import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PanelOptions } from './shared.tsx';
import type { Cart, Shop } from './types.ts';
import { CartView } from './views/cart.tsx';
import { Catalog } from './views/catalog.tsx';
import { OrderView, OrdersView } from './views/orders.tsx';
import { PayCodeView } from './views/pay-code.tsx';
import { PaymentCodeView } from './views/payment-code.tsx';
import { ProductView } from './views/product.tsx';
import { RedEnvelopesEntry } from './views/red-envelopes-entry.tsx';
import { ScanView } from './views/scan.tsx';
import { WalletView } from './views/wallet.tsx';
import { ShareButton } from './views/share-button.tsx';
import type { FunctionComponent } from 'preact';

/** The panel's views (one file each under views/); the menu and the cart's live announcements live here. */
type View =
  | { name: 'catalog' }
  | { name: 'product'; id: string }
  | { name: 'cart' }
  | { name: 'orders' }
  | { name: 'order'; id: string }
  | { name: 'pay-code' }
  | { name: 'wallet'; returnToOrderId: string | null }
  | { name: 'payment-code' }
  | { name: 'scan' }
  | { name: 'red-envelopes'; start: string | null }
  | { name: 'commissions' }
  | { name: 'group-buy'; groupBuyId: string | null; teamId: string | null };

type GroupBuyViewType = ComponentType<import('./group-buys/group-buy-view.tsx').GroupBuyViewProps>;

export function App({ options }: { options: PanelOptions }) {
  const { api, shopSlug, i18n } = options;
  const { t } = i18n;
  const shopPath = `/api/store/shops/${encodeURIComponent(shopSlug)}`;
  const [shop, setShop] = useState<Shop | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [view, setView] = useState<View>(
    options.redEnvelope
      ? { name: 'red-envelopes', start: options.redEnvelope }
      : options.orderToken
        ? { name: 'pay-code' }
        : options.groupBuyTeamId || options.groupBuyId
          ? { name: 'group-buy', groupBuyId: options.groupBuyId, teamId: options.groupBuyTeamId }
          : options.productId
            ? { name: 'product', id: options.productId }
            : { name: 'catalog' },
  );
  const [cart, setCart] = useState<Cart | null>(null);
  const [announcement, setAnnouncement] = useState('');
  // Group buys are a chunk of their own, fetched when one is opened (the first panel stays small).
  const [GroupBuyView, setGroupBuyView] = useState<GroupBuyViewType | null>(null);

  useEffect(() => {
    if (view.name === 'group-buy' && !GroupBuyView) import('./group-buys/group-buy-view.tsx').then((module) => setGroupBuyView(() => module.default), () => setFailure(t('shopUnavailable')));
  }, [view.name]);

  useEffect(() => {
    api.get<Shop>(shopPath).then(setShop, () => setFailure(t('shopUnavailable')));
    api.request<Cart>('GET', `${shopPath}/cart`).then(setCart, () => undefined);
    // Opened from a share link: the open attributes this shopper's orders here to the sharer (docs/social.md §3).
    if (options.referralCode) api.request('POST', `/api/store/share-links/${encodeURIComponent(options.referralCode)}/opens`).catch(() => undefined);
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
        <button type="button" onClick={() => setView({ name: 'commissions' })}>
          {t('commissions')}
        </button>
        {options.groupProof && (
          <button type="button" onClick={() => setView({ name: 'red-envelopes', start: null })}>
            {t('redEnvelopes')}
          </button>
        )}
        {options.bridge && (
          <>
            <button type="button" onClick={() => options.bridge?.send('open-link', { url: `${api.base}/embed/${encodeURIComponent(shopSlug)}` })}>
              {t('openInBrowser')}
            </button>
            <button type="button" onClick={() => options.bridge?.send('close')}>
              {t('close')}
            </button>
          </>
        )}
      </nav>
      <div class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
      {view.name === 'catalog' && <ShareButton options={options} target={{ kind: 'shop' }} label={t('shareShop')} />}
      {view.name === 'catalog' && <Catalog options={options} shop={shop} open={(id) => setView({ name: 'product', id })} />}
      {view.name === 'commissions' && <LazyView options={options} load={() => import('./views/commissions.tsx')} />}
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
      {view.name === 'red-envelopes' && <RedEnvelopesEntry options={options} currency={shop.currency} start={view.start} />}
      {view.name === 'group-buy' && (
        GroupBuyView ? (
          <GroupBuyView
            options={options}
            groupBuyId={view.groupBuyId}
            teamId={view.teamId}
            topUp={() => setView({ name: 'wallet', returnToOrderId: null })}
            openOrder={(id) => setView({ name: 'order', id })}
            announce={setAnnouncement}
          />
        ) : (
          <p role="status">{t('loading')}</p>
        )
      )}
      {view.name === 'pay-code' && <PayCodeView options={options} paid={(order) => setView({ name: 'order', id: order.id })} />}
    </div>
  );
}

/** A view in its own chunk, loaded when first shown. */
function LazyView({ options, load }: { options: PanelOptions; load(): Promise<{ default: FunctionComponent<{ options: PanelOptions }> }> }) {
  const [View, setView] = useState<FunctionComponent<{ options: PanelOptions }> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    load().then((module) => setView(() => module.default), () => setFailed(true));
  }, []);
  if (failed) return <p class="error" role="alert">{options.i18n.t('shopUnavailable')}</p>;
  return View ? <View options={options} /> : <p role="status">{options.i18n.t('loading')}</p>;
}
