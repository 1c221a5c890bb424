import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { Heading, type PanelOptions, errorText } from '../../shared.tsx';
import type { Wallet } from '../../types.ts';
import { announceToHost, type RedEnvelope } from './envelope-types.ts';
import type { EnvelopeText } from './messages.ts';

// While the envelope is open its claims and its return change on the server: look again this often.
const REFRESH_INTERVAL_MS = 2_000;

/**
 * One envelope: claim it (the amount won), who got what, and for the sender what nobody claimed coming
 * back to the wallet after the deadline.
 */
export function EnvelopeDetail({ options, id, shopperId, text }: { options: PanelOptions; id: string; shopperId: string | null; text: EnvelopeText }) {
  const { api, i18n, groupProof } = options;
  const [envelope, setEnvelope] = useState<RedEnvelope | null>(null);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => api.request<RedEnvelope>('GET', `/api/store/red-envelopes/${encodeURIComponent(id)}`).then(setEnvelope, (failure: unknown) => setError(errorText(failure)));
  useEffect(() => {
    void load();
  }, [id]);
  useEffect(() => {
    if (envelope?.status !== 'open') return;
    const timer = setInterval(load, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [envelope?.status]);
  const isSender = envelope !== null && shopperId !== null && envelope.senderShopperId === shopperId;
  useEffect(() => {
    if (isSender && envelope) api.request<Wallet>('GET', `/api/store/wallet?currency=${envelope.currency}`).then(setWallet, () => undefined);
  }, [isSender, envelope?.status]);

  if (!envelope) return error ? <p class="error" role="alert">{error}</p> : <p role="status">{i18n.t('loading')}</p>;

  const money = (amountMinor: number) => i18n.money(amountMinor, envelope.currency);
  const mine = envelope.claims.find((claim) => claim.shopperId === shopperId);
  const expired = envelope.status === 'returned' || (envelope.status === 'open' && new Date(envelope.expiresAt).getTime() <= Date.now());

  const claim = async () => {
    if (!groupProof) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api.request<{ envelope: RedEnvelope }>('POST', `/api/store/red-envelopes/${encodeURIComponent(id)}/claims`, { group: groupProof });
      setEnvelope(answer.envelope);
      announceToHost(options, id, 'claimed');
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'red_envelope_exhausted') setError(text('allClaimed'));
      else if (failure instanceof ApiError && failure.code === 'red_envelope_expired') setError(text('expired'));
      else setError(errorText(failure));
      void load();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <Heading text={envelope.message ?? text('defaultMessage')} />
      <p class="muted">{text('progress', { claimed: envelope.claimedCount, n: envelope.shareCount, amount: money(envelope.claimedMinor), total: money(envelope.amountMinor) })}</p>
      {mine ? (
        <p class="price" role="status">
          {text('youGot', { amount: money(mine.amountMinor) })}
        </p>
      ) : envelope.status === 'open' && !expired && groupProof ? (
        <button type="button" class="primary" disabled={busy} onClick={claim}>
          {text('claim')}
        </button>
      ) : envelope.status === 'claimed' ? (
        <p>{text('allClaimed')}</p>
      ) : expired ? (
        <p>{text('expired')}</p>
      ) : null}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {isSender && (
        <div>
          <p>{text('fromYou')}</p>
          {envelope.status === 'open' && <p>{text('returnsAt', { time: new Date(envelope.expiresAt).toLocaleString(i18n.locale) })}</p>}
          {envelope.status === 'returned' && <p role="status">{envelope.returnedMinor ? text('returned', { amount: money(envelope.returnedMinor) }) : text('nothingReturned')}</p>}
          {envelope.status === 'claimed' && <p>{text('nothingReturned')}</p>}
          {wallet && <p>{i18n.t('wallet', { amount: i18n.money(wallet.availableMinor, wallet.currency) })}</p>}
        </div>
      )}
      {envelope.claims.length > 0 && (
        <>
          <h3>{text('claims')}</h3>
          <ul class="lines">
            {envelope.claims.map((each) => (
              <li key={each.position}>{text('claimLine', { name: each.displayName, amount: money(each.amountMinor) })}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
