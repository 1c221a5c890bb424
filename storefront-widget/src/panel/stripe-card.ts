/**
 * Card payments through Stripe's Payment Element, loaded only when a card payment starts (a lazy chunk;
 * Stripe.js itself from the address the API gives). Stripe refuses to mount inside a shadow root, so the
 * element goes into a light-DOM child of the widget's host element, projected by `<slot name="payment">`.
 */
interface StripePaymentElement {
  mount(target: HTMLElement): void;
  destroy?(): void;
}
interface StripeInstance {
  elements(options: { clientSecret: string }): { create(type: 'payment'): StripePaymentElement };
  confirmPayment(options: { elements: unknown; redirect: 'if_required' }): Promise<{ error?: { message?: string }; paymentIntent?: { status: string } }>;
}
type StripeFactory = (publishableKey: string) => StripeInstance;

export interface PaymentSettings {
  stripe: { publishableKey: string; jsUrl: string };
}

let stripeJs: Promise<StripeFactory> | null = null;

function loadStripeJs(url: string): Promise<StripeFactory> {
  stripeJs ??= new Promise<StripeFactory>((resolve, reject) => {
    const existing = (window as { Stripe?: StripeFactory }).Stripe;
    if (existing) return resolve(existing);
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => {
      const factory = (window as { Stripe?: StripeFactory }).Stripe;
      if (factory) resolve(factory);
      else reject(new Error('Stripe.js did not load.'));
    };
    script.onerror = () => {
      stripeJs = null;
      reject(new Error('Stripe.js could not be loaded.'));
    };
    document.head.append(script);
  });
  return stripeJs;
}

export interface CardForm {
  /** Confirms the payment; resolves once Stripe accepted it (the wallet or order follows by webhook). */
  confirm(): Promise<void>;
  remove(): void;
}

export async function mountCardForm(host: HTMLElement, settings: PaymentSettings, clientSecret: string): Promise<CardForm> {
  const factory = await loadStripeJs(settings.stripe.jsUrl);
  const stripe = factory(settings.stripe.publishableKey);
  const elements = stripe.elements({ clientSecret });
  const paymentElement = elements.create('payment');
  host.querySelector(':scope > [slot="payment"]')?.remove();
  const target = document.createElement('div');
  target.slot = 'payment';
  host.append(target);
  paymentElement.mount(target);
  return {
    async confirm() {
      const result = await stripe.confirmPayment({ elements, redirect: 'if_required' });
      if (result.error) throw new Error(result.error.message ?? 'The card payment failed.');
    },
    remove() {
      paymentElement.destroy?.();
      target.remove();
    },
  };
}
