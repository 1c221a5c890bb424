import { render } from 'preact';
import { App } from './app.tsx';
import { guestIdentity, StoreApi, type GroupProof, type Identity } from './api.ts';
import { chooseLanguage, translator } from './i18n.ts';
import { PANEL_CSS } from './styles.ts';
import { accentColours } from './theme.ts';
import { connectBridge, type Bridge, type HostInit } from './bridge.ts';

export interface TelegramMainButton {
  setText(text: string): void;
  show(): void;
  hide(): void;
  onClick(callback: () => void): void;
  offClick(callback: () => void): void;
}

interface TelegramWebApp {
  initData?: string;
  themeParams?: { button_color?: string };
  MainButton?: TelegramMainButton;
  ready?(): void;
}

/**
 * Who the shopper is: a Telegram Mini App's initData when the page runs inside Telegram (read from
 * `window.Telegram.WebApp` if the host loaded it: no SDK of ours), a host chat's signed token given as
 * attributes, or a guest device id.
 */
function identityFor(host: HTMLElement, telegram: TelegramWebApp | undefined): Identity {
  if (telegram?.initData) return { provider: 'telegram', initData: telegram.initData };
  const hostId = host.getAttribute('host-id');
  const token = host.getAttribute('host-token');
  if (hostId && token) return { provider: 'host', hostId, token };
  return guestIdentity();
}

/**
 * The chat group the widget runs in: a host-signed group claim (`group-token`, signed by the `host-id`
 * host), or Telegram's initData when the Mini App was opened from a chat (it then carries chat_instance).
 */
function groupProofFor(host: HTMLElement, telegram: TelegramWebApp | undefined): GroupProof | null {
  if (telegram?.initData) return new URLSearchParams(telegram.initData).has('chat_instance') ? { provider: 'telegram', initData: telegram.initData } : null;
  const hostId = host.getAttribute('host-id');
  const token = host.getAttribute('group-token');
  return hostId && token ? { provider: 'host', hostId, token } : null;
}

/** Called by the loader with the element, its open shadow root and the API's origin. */
export function mount(host: HTMLElement, root: ShadowRoot, apiBase: string, prefetched: Record<string, Promise<Response>> = {}): void {
  const origins = (host.getAttribute('bridge-origins') ?? '').split(/\s+/).filter(Boolean);
  const connecting = connectBridge(origins);
  if (!connecting) return start(host, root, apiBase, prefetched, null, null);
  void connecting.then(({ bridge, init }) => start(host, root, apiBase, prefetched, bridge, init));
}

function start(host: HTMLElement, root: ShadowRoot, apiBase: string, prefetched: Record<string, Promise<Response>>, bridge: Bridge | null, init: HostInit | null): void {
  const telegram = (window as { Telegram?: { WebApp?: TelegramWebApp } }).Telegram?.WebApp;
  const i18n = translator(chooseLanguage([init?.lang, host.getAttribute('lang'), ...navigator.languages]));
  const { accent, onAccent } = accentColours(init?.theme?.accent ?? host.getAttribute('accent') ?? telegram?.themeParams?.button_color);
  const style = document.createElement('style');
  style.textContent = `${PANEL_CSS}:host{--accent:${accent};--on-accent:${onAccent}}`;
  const container = document.createElement('div');
  container.className = 'panel';
  container.dir = i18n.direction;
  container.lang = i18n.locale;
  root.prepend(style, container);
  const options = {
    api: new StoreApi(apiBase, init?.identity ?? identityFor(host, telegram), prefetched),
    host,
    bridge,
    shopSlug: host.getAttribute('shop') ?? '',
    productId: host.getAttribute('product'),
    tableToken: host.getAttribute('table-token'),
    tableLabel: host.getAttribute('table'),
    orderToken: host.getAttribute('order-token'),
    // Framed, the host's init names the group (its frame has no attributes of the host's choosing).
    groupProof: init?.group ?? groupProofFor(host, telegram),
    redEnvelope: init?.redEnvelope ?? host.getAttribute('red-envelope'),
    referralCode: host.getAttribute('ref'),
    groupBuyId: host.getAttribute('group-buy'),
    // A team is shared as /r/<code> (attribute group-buy-team); ?group-buy-team=<id> on the page still opens one (the demo, older links).
    groupBuyTeamId: host.getAttribute('group-buy-team') ?? new URLSearchParams(location.search).get('group-buy-team'),
    // In Telegram, checkout is the Mini App's main button (only when signed in through Telegram).
    mainButton: telegram?.initData ? (telegram.MainButton ?? null) : null,
    i18n,
  };
  render(<App options={options} />, container);
  telegram?.ready?.();
}
