import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeStripeServer } from '../../../db/src/testing/stripe-server/stripe-server.ts';

/**
 * A small stand-in for Stripe.js, served by a test's host page server, so the widget's card path runs
 * offline: `Stripe(key).elements({clientSecret}).create('payment').mount(node)` draws a card number field
 * in the light DOM, and `confirmPayment` posts it to the host server, which confirms the payment intent on
 * the fake Stripe over its HTTP API and then delivers the resulting webhook to the API, as Stripe would.
 * The card numbers are Stripe's test cards (4242... succeeds, 4000000000000002 is declined).
 */
export const STRIPE_JS_STAND_IN = `(function () {
var origin = new URL(document.currentScript.src).origin;
window.Stripe = function (publishableKey) {
  return {
    elements: function (options) {
      return {
        clientSecret: options.clientSecret,
        create: function () {
          var label;
          return {
            mount: function (target) {
              label = document.createElement('label');
              label.textContent = 'Card number ';
              var input = document.createElement('input');
              input.autocomplete = 'cc-number';
              input.inputMode = 'numeric';
              label.append(input);
              target.append(label);
            },
            destroy: function () { if (label) label.remove(); }
          };
        }
      };
    },
    confirmPayment: function (options) {
      var input = document.querySelector('[slot=payment] input');
      return fetch(origin + '/stripe-stand-in/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ publishableKey: publishableKey, clientSecret: options.elements.clientSecret, cardNumber: input ? input.value : '' })
      }).then(function (response) { return response.json(); });
    }
  };
};
})();`;

const PAYMENT_METHOD_BY_CARD: Record<string, string> = { '4242424242424242': 'pm_card_visa', '4000000000000002': 'pm_card_chargeDeclined' };

/** Serves the stand-in's two addresses; answers false for any other request. */
export async function serveStripeJsStandIn(request: IncomingMessage, response: ServerResponse, stripe: FakeStripeServer, webhookUrl: () => string): Promise<boolean> {
  if (request.url === '/stripe-stand-in.js') {
    response.writeHead(200, { 'content-type': 'text/javascript' }).end(STRIPE_JS_STAND_IN);
    return true;
  }
  if (request.url !== '/stripe-stand-in/confirm') return false;
  // Stripe.js calls Stripe from any page: the stand-in answers every origin too.
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-allow-headers', 'content-type');
  if (request.method === 'OPTIONS') return (response.writeHead(204).end(), true);
  let body = '';
  for await (const chunk of request) body += chunk;
  const { clientSecret, cardNumber, publishableKey } = JSON.parse(body) as { clientSecret: string; cardNumber: string; publishableKey: string };
  const reply = (answer: object) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  if (!publishableKey.startsWith('pk_test_')) return (reply({ error: { message: 'Invalid publishable key.' } }), true);
  const paymentMethod = PAYMENT_METHOD_BY_CARD[cardNumber.replace(/\s/g, '')];
  if (!paymentMethod) return (reply({ error: { message: 'Your card number is invalid.' } }), true);
  const intentId = clientSecret.split('_secret_')[0];
  const confirmed = await fetch(`${stripe.url}/v1/payment_intents/${intentId}/confirm`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_minishop_local', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ payment_method: paymentMethod }),
  });
  const intent = (await confirmed.json()) as { status?: string; error?: { message: string; payment_intent?: unknown } };
  if (!confirmed.ok) {
    if (intent.error?.payment_intent) await stripe.deliverWebhook('payment_intent.payment_failed', intent.error.payment_intent, { url: webhookUrl() });
    return (reply({ error: { message: intent.error?.message ?? 'The payment failed.' } }), true);
  }
  await stripe.deliverWebhook('payment_intent.succeeded', intent, { url: webhookUrl() });
  return (reply({ paymentIntent: { status: intent.status } }), true);
}
