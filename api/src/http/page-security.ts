import type { Config } from '../../../db/src/config.ts';

/**
 * The Content-Security-Policy of the API's own pages that host the widget (/demo, /s/<token>): helmet's
 * defaults plus Stripe.js from its configured address (loaded only when a card payment starts) and
 * Stripe's frames and API.
 */
export function widgetPageContentSecurityPolicy(config: Config): string {
  const stripe = new URL(config.stripe.jsUrl).origin;
  return [
    "default-src 'self'",
    `script-src 'self' ${stripe}`,
    `frame-src ${stripe} https://*.stripe.com`,
    `connect-src 'self' ${stripe} https://api.stripe.com`,
    "img-src 'self' data: https:",
    "style-src 'self' https: 'unsafe-inline'",
    "font-src 'self' https: data:",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
  ].join(';');
}
