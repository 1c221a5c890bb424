import type { PanelOptions } from '../../shared.tsx';

/** The store API's red envelope answers, as far as these screens read them (docs/social.md §5). */
export type RedEnvelopeMode = 'equal' | 'double_mean' | 'fair';

export interface RedEnvelopeClaim {
  position: number;
  shopperId: string;
  displayName: string;
  amountMinor: number;
  claimedAt: string;
}

export interface RedEnvelope {
  id: string;
  senderType: 'shopper' | 'merchant';
  senderShopperId: string | null;
  mode: RedEnvelopeMode;
  currency: string;
  amountMinor: number;
  shareCount: number;
  claimedCount: number;
  claimedMinor: number;
  message: string | null;
  status: 'open' | 'claimed' | 'returned';
  expiresAt: string;
  returnedMinor: number | null;
  claims: RedEnvelopeClaim[];
}

/**
 * Tells the host that an envelope changed: the page (the demo chat puts the card in the conversation) by
 * the event `minishop-red-envelope` on the widget's element, and a host chat that framed the widget by the
 * bridge's `red-envelope` message.
 */
export function announceToHost(options: Pick<PanelOptions, 'host' | 'bridge'>, envelopeId: string, action: 'sent' | 'claimed'): void {
  options.host.dispatchEvent(new CustomEvent('minishop-red-envelope', { bubbles: true, composed: true, detail: { envelopeId, action } }));
  options.bridge?.send('red-envelope', { envelopeId, action });
}
