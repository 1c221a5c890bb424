import { useEffect, useState } from 'preact/hooks';
import { Heading, type PanelOptions, errorText } from '../../shared.tsx';
import { EnvelopeDetail } from './envelope-detail.tsx';
import type { RedEnvelope } from './envelope-types.ts';
import { envelopeText } from './messages.ts';
import { SendForm } from './send-form.tsx';

type Screen = { name: 'list' } | { name: 'send' } | { name: 'envelope'; id: string };

/**
 * Red envelopes in the chat group the widget was opened in (a lazily loaded chunk): the group's
 * envelopes, the send form, and one envelope. `start` is the `red-envelope` attribute: an id or "new".
 */
export function RedEnvelopesView({ options, currency, start }: { options: PanelOptions; currency: string; start: string | null }) {
  const { api, i18n, groupProof } = options;
  const text = envelopeText(i18n);
  const [screen, setScreen] = useState<Screen>(start === 'new' ? { name: 'send' } : start ? { name: 'envelope', id: start } : { name: 'list' });
  const [shopperId, setShopperId] = useState<string | null>(null);
  const [envelopes, setEnvelopes] = useState<RedEnvelope[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.request<{ shopper: { id: string } }>('GET', '/api/store/sessions/current').then((current) => setShopperId(current.shopper.id), () => undefined);
  }, []);
  useEffect(() => {
    if (screen.name !== 'list' || !groupProof) return;
    api.request<RedEnvelope[]>('POST', '/api/store/red-envelopes/group', { group: groupProof }).then(setEnvelopes, (failure: unknown) => setError(errorText(failure)));
  }, [screen.name]);

  if (!groupProof && screen.name !== 'envelope') return <p>{text('needsGroup')}</p>;

  const back = (
    <button type="button" onClick={() => setScreen({ name: 'list' })}>
      {text('backToList')}
    </button>
  );
  if (screen.name === 'send') {
    return (
      <div>
        {back}
        <SendForm options={options} currency={currency} text={text} sent={(envelope) => setScreen({ name: 'envelope', id: envelope.id })} />
      </div>
    );
  }
  if (screen.name === 'envelope') {
    return (
      <div>
        {groupProof && back}
        <EnvelopeDetail options={options} id={screen.id} shopperId={shopperId} text={text} />
      </div>
    );
  }
  return (
    <section>
      <Heading text={text('groupEnvelopes')} />
      <button type="button" class="primary" onClick={() => setScreen({ name: 'send' })}>
        {text('newEnvelope')}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {envelopes?.length === 0 && <p>{text('noEnvelopes')}</p>}
      <ul class="lines">
        {envelopes?.map((envelope) => (
          <li key={envelope.id}>
            <button type="button" aria-label={text('open', { message: envelope.message ?? text('defaultMessage') })} onClick={() => setScreen({ name: 'envelope', id: envelope.id })}>
              {envelope.message ?? text('defaultMessage')}
            </button>
            <span class="muted">{text('summary', { amount: i18n.money(envelope.amountMinor, envelope.currency), n: envelope.shareCount, claimed: envelope.claimedCount })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
