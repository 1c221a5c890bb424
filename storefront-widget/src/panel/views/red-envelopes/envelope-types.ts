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

/** Tells the host page (the demo chat puts the card in the conversation) that an envelope changed. */
export function announceToHost(host: HTMLElement, envelopeId: string, action: 'sent' | 'claimed'): void {
  host.dispatchEvent(new CustomEvent('minishop-red-envelope', { bubbles: true, composed: true, detail: { envelopeId, action } }));
}
