import { ApiError, type GroupProof, type StoreApi } from './api.ts';
import type { Bridge } from './bridge.ts';
import type { Translator } from './i18n.ts';
import type { TelegramMainButton } from './index.tsx';
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/** What every view of the panel shares: its options, error text, the focused heading and the modal dialog. */
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
  /** The chat group the widget was opened in, as the host proves it (red envelopes); null outside a group. */
  groupProof: GroupProof | null;
  /** A red envelope to open first (its id), or "new" for the send form. */
  redEnvelope: string | null;
  /** The share link this page was opened from (/r/<code>): recorded as an open once signed in. */
  referralCode: string | null;
  /** A group buy to open first (its offer card), or a shared team to join (docs/social.md §2). */
  groupBuyId: string | null;
  groupBuyTeamId: string | null;
  i18n: Translator;
}

export function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

/**
 * Moves focus to the view's heading when the view changes, so keyboard and screen reader users follow. A
 * layout effect runs as the view is rendered, before the browser handles the next key press; a plain effect
 * waits for the next frame, and a focus that arrives then takes a Tab or Enter pressed meanwhile away from
 * the control it was meant for.
 */
export function Heading({ text }: { text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => ref.current?.focus(), [text]);
  return (
    <h2 tabIndex={-1} ref={ref}>
      {text}
    </h2>
  );
}

/** A modal dialog: focus moves in (as it opens, like Heading's), Tab stays inside, Escape cancels, and focus returns where it was. */
export function Dialog({ title, onCancel, children }: { title: string; onCancel(): void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
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
