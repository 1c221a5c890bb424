import { ApiError } from '../api.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import type { Cart, Order, Shop } from '../types.ts';

const ADDRESS_FIELDS = ['recipient', 'phone', 'line1', 'line2', 'city', 'postalCode', 'country'] as const;

type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;

/** An entry of the shopper's address book (GET /api/store/addresses). */
interface SavedAddress {
  id: string;
  recipient: string;
  line1: string;
  city: string;
}

export function CartView({ options, shop, cart, setQuantity, placed }: { options: PanelOptions; shop: Shop; cart: Cart | null; setQuantity(variantId: string, quantity: number, title: string): Promise<void>; placed(order: Order): void }) {
  const { api, i18n, tableToken, tableLabel } = options;
  const { t } = i18n;
  const methods = shop.fulfilmentMethods.filter((method) => method !== 'table' || tableToken);
  const [method, setMethod] = useState<string>(tableToken && methods.includes('table') ? 'table' : methods.includes('pickup') ? 'pickup' : (methods[0] ?? 'pickup'));
  const [address, setAddress] = useState<AddressForm>({ recipient: '', phone: '', line1: '', line2: '', city: '', postalCode: '', country: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [quote, setQuote] = useState<number | null>(null);
  // The address book: a saved address is sent by id (the server copies it onto the order); null = a new one typed here.
  const [savedAddresses, setSavedAddresses] = useState<SavedAddress[]>([]);
  const [addressId, setAddressId] = useState<string | null>(null);
  useEffect(() => {
    if (method !== 'delivery') return;
    api.request<{ items: SavedAddress[] }>('GET', '/api/store/addresses').then((book) => {
      setSavedAddresses(book.items);
      const first = book.items[0];
      if (first) chooseSaved(first.id);
    }, () => undefined);
  }, [method]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const placeOrder = async () => {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const body: Record<string, unknown> = { source: 'cart', fulfilmentMethod: method };
      if (method === 'table' && tableToken) body.tableToken = tableToken;
      if (method === 'delivery') Object.assign(body, addressId ? { addressId } : { address: addressBody() });
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

  const quoteFor = (destination: Record<string, unknown>) => {
    if (!cart) return;
    api.request<{ deliveryFeeMinor: number }>('POST', `/api/store/shops/${encodeURIComponent(shop.slug)}/delivery-quote`, { ...destination, subtotalMinor: cart.totalMinor }).then(
      (answer) => {
        setQuote(answer.deliveryFeeMinor);
        setFieldErrors({});
        setError(null);
      },
      fail,
    );
  };
  function chooseSaved(id: string | null) {
    setAddressId(id);
    setQuote(null);
    if (id) quoteFor({ addressId: id });
  }

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
              {savedAddresses.length > 0 &&
                [...savedAddresses, null].map((saved) => (
                  <label class="choice" key={saved?.id ?? 'new'}>
                    <input type="radio" name="address" checked={addressId === (saved?.id ?? null)} onChange={() => chooseSaved(saved?.id ?? null)} />
                    {saved ? `${saved.recipient}, ${saved.line1}, ${saved.city}` : t('newAddress')}
                  </label>
                ))}
              {addressId === null &&
                ADDRESS_FIELDS.map((field) => (
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
                        quoteFor({ address: body });
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
