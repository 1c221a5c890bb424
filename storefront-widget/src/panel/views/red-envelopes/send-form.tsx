import { useEffect, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../../shared.tsx';
import type { Wallet } from '../../types.ts';
import { announceToHost, type RedEnvelope, type RedEnvelopeMode } from './envelope-types.ts';
import type { EnvelopeText } from './messages.ts';

const MODES: RedEnvelopeMode[] = ['double_mean', 'equal', 'fair'];

/** Send from the wallet to the group: amount, number of shares, how it is split, a message. */
export function SendForm({ options, currency, text, sent }: { options: PanelOptions; currency: string; text: EnvelopeText; sent(envelope: RedEnvelope): void }) {
  const { api, i18n, groupProof } = options;
  const exponent = i18n.exponent(currency);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [amount, setAmount] = useState('');
  const [shareCount, setShareCount] = useState('3');
  const [mode, setMode] = useState<RedEnvelopeMode>('double_mean');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per envelope the shopper means to send: a retry of the same submit never sends twice.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());

  useEffect(() => {
    api.request<Wallet>('GET', `/api/store/wallet?currency=${currency}`).then(setWallet, (failure: unknown) => setError(errorText(failure)));
  }, []);

  const amountMinor = Math.round(Number(amount) * 10 ** exponent);
  const count = Number(shareCount);
  const valid = Number.isFinite(amountMinor) && amountMinor > 0 && Number.isInteger(count) && count > 0;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!valid || !groupProof) return;
    setBusy(true);
    setError(null);
    try {
      const envelope = await api.request<RedEnvelope>(
        'POST',
        '/api/store/red-envelopes',
        { mode, currency, amountMinor, shareCount: count, ...(message.trim() ? { message: message.trim() } : {}), group: groupProof },
        true,
        { 'idempotency-key': idempotencyKey },
      );
      setIdempotencyKey(crypto.randomUUID());
      announceToHost(options, envelope.id, 'sent');
      sent(envelope);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit}>
      <Heading text={text('newEnvelope')} />
      {wallet && <p>{i18n.t('wallet', { amount: i18n.money(wallet.availableMinor, wallet.currency) })}</p>}
      <label class="field">
        {text('amount', { currency })}
        <input type="number" inputMode="decimal" min={1 / 10 ** exponent} step={1 / 10 ** exponent} required value={amount} onInput={(event) => setAmount(event.currentTarget.value)} />
      </label>
      <label class="field">
        {text('shareCount')}
        <input type="number" inputMode="numeric" min={1} step={1} required value={shareCount} onInput={(event) => setShareCount(event.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>{text('mode')}</legend>
        {MODES.map((each) => (
          <label class="choice" key={each}>
            <input type="radio" name="mode" value={each} checked={mode === each} onChange={() => setMode(each)} />
            {text(`mode_${each}`)}
          </label>
        ))}
      </fieldset>
      <label class="field">
        {text('message')}
        <input type="text" maxLength={200} value={message} onInput={(event) => setMessage(event.currentTarget.value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy || !valid}>
        {valid ? text('send', { amount: i18n.money(amountMinor, currency), n: count }) : text('newEnvelope')}
      </button>
    </form>
  );
}
