import type { GroupProof, Identity } from './api.ts';

/**
 * The host bridge, version 1: messages `{v: 1, type, id, ...}` between the widget in a frame and the host
 * chat that framed it, exchanged with the shop's allowed embed origins only (the page's `bridge-origins`,
 * written by the API). Anything else (another origin, another window, another version) is ignored.
 *
 *   widget -> host: hello | share {card: {kind, shop, productId, targetId, title, url, code, ...}} | close
 *                   | open-link {url} | red-envelope {envelopeId, action: sent | claimed}
 *   (a framed page cannot navigate its host: the host opens links, in a new tab or its own browser)
 *   host -> widget: init {identity?, theme?: {accent}, lang?, group?, redEnvelope?} (answering hello):
 *   `group` is the host's proof of the chat group the frame is in (as the `group-token` attribute), and
 *   `redEnvelope` an envelope id (or `new`) to open at.
 */
export const BRIDGE_VERSION = 1;

export interface HostInit {
  identity?: Identity;
  theme?: { accent?: string };
  lang?: string;
  /** The chat group the frame is in, as the host proves it (red envelopes, docs/social.md §1.2). */
  group?: GroupProof;
  /** Open at this red envelope (its id), or at the send form (`new`). */
  redEnvelope?: string;
}

export interface Bridge {
  send(type: 'share' | 'close' | 'open-link' | 'red-envelope', fields?: Record<string, unknown>): void;
}

function newId(): string {
  return crypto.randomUUID();
}

/** In a frame with allowed origins: says hello and waits (at most `timeoutMs`) for the host's init. */
export function connectBridge(origins: readonly string[], timeoutMs = 3_000): Promise<{ bridge: Bridge; init: HostInit | null }> | null {
  const parentWindow = window.parent;
  if (parentWindow === window || origins.length === 0) return null;
  const send = (type: string, fields: Record<string, unknown> = {}) => {
    // The parent is one of the allowed origins or none: a message addressed to another origin is dropped by the browser.
    for (const origin of origins) parentWindow.postMessage({ ...fields, v: BRIDGE_VERSION, type, id: newId() }, origin);
  };
  return new Promise((resolve) => {
    const bridge: Bridge = { send };
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      resolve({ bridge, init: null });
    }, timeoutMs);
    function onMessage(event: MessageEvent) {
      const data = event.data as { v?: unknown; type?: unknown } | null;
      if (event.source !== parentWindow || !origins.includes(event.origin) || data?.v !== BRIDGE_VERSION || data.type !== 'init') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve({ bridge, init: data as HostInit });
    }
    window.addEventListener('message', onMessage);
    send('hello');
  });
}
