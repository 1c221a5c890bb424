import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { followTopic } from '../live.ts';
import { Heading, type PanelOptions, errorText } from '../shared.tsx';
import { ShareButton } from '../views/share-button.tsx';

/** What GET /api/store/group-buys/:id answers (docs/social.md §2). */
interface GroupBuyOffer {
  id: string;
  shopName: string;
  productTitle: string;
  variantTitle: string;
  imageUrl: string | null;
  currency: string;
  regularPriceMinor: number;
  teamPriceMinor: number;
  teamSize: number;
  windowSeconds: number;
}

interface GroupBuyTeam {
  id: string;
  status: 'open' | 'formed' | 'expired';
  memberCount: number;
  teamSize: number;
  expiresAt: string;
  members: { shopperId: string; displayName: string; position: number }[];
  groupBuy: GroupBuyOffer;
  me?: { position: number; orderId: string | null } | null;
}

function remainingText(expiresAt: string, now: number): string {
  const seconds = Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export interface GroupBuyViewProps {
  options: PanelOptions;
  groupBuyId: string | null;
  teamId: string | null;
  topUp(): void;
  openOrder(orderId: string): void;
  announce(text: string): void;
}

/**
 * A group buy in the panel, loaded as its own chunk: the offer card (team price, usual price, team size),
 * open a team or join the shared one by paying from the wallet, share the team with the shopper's own
 * share link (/r/<code>: through the host chat's bridge, else by copying it; docs/social.md §3), and the
 * team filling up live (GET /ws, the team's topic) with its countdown. A wallet too small offers "Pay by
 * card" in one step (a card top-up of what is missing, then the same join), or the wallet's top-up view.
 */
export default function GroupBuyView({ options, groupBuyId, teamId, topUp, openOrder, announce }: GroupBuyViewProps) {
  const { api, i18n, bridge } = options;
  const { t } = i18n;
  const [offer, setOffer] = useState<GroupBuyOffer | null>(null);
  const [team, setTeam] = useState<GroupBuyTeam | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [needsMoney, setNeedsMoney] = useState(false);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());
  // One key per screen: a retried tap opens the same team, never a second.
  const [openKey] = useState(() => crypto.randomUUID());
  // Paying by card in one step: a card top-up of what the wallet lacks, then the same join (or open) again.
  const [cardForm, setCardForm] = useState<{ topUpId: string; amountMinor: number; confirm(): Promise<void>; remove(): void } | null>(null);
  const lastAction = useRef<(() => Promise<GroupBuyTeam>) | null>(null);
  // The card form lives in the host page's DOM: take it away with the view.
  useEffect(() => () => cardForm?.remove(), [cardForm]);

  const loadTeam = (id: string) =>
    api.request<GroupBuyTeam>('GET', `/api/store/group-buys/teams/${id}`).then((loaded) => {
      setTeam(loaded);
      setOffer(loaded.groupBuy);
    });

  useEffect(() => {
    const loading = teamId ? loadTeam(teamId) : groupBuyId ? api.request<GroupBuyOffer>('GET', `/api/store/group-buys/${groupBuyId}`).then(setOffer) : Promise.resolve();
    loading.catch((failure: unknown) => setError(errorText(failure)));
  }, [groupBuyId, teamId]);

  // Live progress: every join, the formation and the expiry arrive on the team's topic.
  useEffect(() => {
    if (!team || team.status !== 'open') return;
    const stop = followTopic(api, () => `resource/group-buy-teams/${team.id}`, (message) => {
      if (message.type === 'snapshot' && message.payload.memberCount === team.memberCount && message.payload.status === team.status) return;
      void loadTeam(team.id).then(() => {
        if (message.payload.status === 'formed') announce(t('groupBuyFormed'));
      });
    });
    const ticking = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stop();
      clearInterval(ticking);
    };
  }, [team?.id, team?.status]);

  const pay = async (action: () => Promise<GroupBuyTeam>) => {
    setBusy(true);
    setError(null);
    setNeedsMoney(false);
    lastAction.current = action;
    try {
      const joined = await action();
      setTeam(joined);
      setOffer(joined.groupBuy);
      announce(joined.status === 'formed' ? t('groupBuyFormed') : t('groupBuyJoined', { n: joined.memberCount, size: joined.teamSize }));
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === 'insufficient_funds') setNeedsMoney(true);
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  const open = () => pay(() => api.request<GroupBuyTeam>('POST', `/api/store/group-buys/${offer!.id}/teams`, undefined, true, { 'idempotency-key': openKey }));
  const join = () => pay(() => api.request<{ team: GroupBuyTeam }>('POST', `/api/store/group-buys/teams/${team!.id}/members`).then((answer) => answer.team));

  // What the wallet lacks goes on the card as a wallet top-up (the wallet's own card flow, docs/social.md §2).
  const startCard = async () => {
    if (!offer) return;
    setBusy(true);
    setError(null);
    try {
      const wallet = await api.request<{ availableMinor: number }>('GET', `/api/store/wallet?currency=${offer.currency}`);
      const amountMinor = offer.teamPriceMinor - wallet.availableMinor;
      if (amountMinor <= 0) return void (lastAction.current && (await pay(lastAction.current)));
      const started = await api.request<{ topUp: { id: string }; payment: { clientSecret: string } | null }>('POST', '/api/store/wallet/top-ups', { amountMinor, currency: offer.currency }, true, {
        'idempotency-key': crypto.randomUUID(),
      });
      if (!started.payment) throw new Error('The card payment could not start.');
      const [{ mountCardForm }, settings] = await Promise.all([import('../stripe-card.ts'), api.get<import('../stripe-card.ts').PaymentSettings>('/api/store/payment-settings')]);
      const card = await mountCardForm(options.host, settings, started.payment.clientSecret);
      setCardForm({ topUpId: started.topUp.id, amountMinor, ...card });
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const payCard = async () => {
    if (!cardForm) return;
    setBusy(true);
    setError(null);
    try {
      await cardForm.confirm();
      announce(t('waiting'));
      // The wallet is credited when the card processor's webhook reaches the API: wait for it (at most a minute).
      for (let attempt = 0; attempt < 120; attempt += 1) {
        const topUp = await api.request<{ status: string; failureCode?: string | null }>('GET', `/api/store/wallet/top-ups/${cardForm.topUpId}`);
        if (topUp.status === 'succeeded') break;
        if (topUp.status === 'failed') throw new Error(topUp.failureCode ?? 'The card payment failed.');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      cardForm.remove();
      setCardForm(null);
    } catch (failure) {
      cardForm.remove();
      setCardForm(null);
      setError(errorText(failure));
      setBusy(false);
      return;
    }
    // The money is in the wallet now: the join (or the opening) it was for, as a wallet payment. If the
    // team filled meanwhile, the refusal says so and the money stays in the wallet.
    if (lastAction.current) await pay(lastAction.current);
    else setBusy(false);
  };

  if (error && !offer) return <p class="error" role="alert">{error}</p>;
  if (!offer) return <p role="status">{t('loading')}</p>;
  const price = i18n.money(offer.teamPriceMinor, offer.currency);
  const isMember = Boolean(team?.me);
  return (
    <section class="group-buy">
      <Heading text={t('groupBuyTitle')} />
      {offer.imageUrl && <img src={offer.imageUrl} alt="" width={96} height={96} />}
      <p>
        <strong>{offer.productTitle}</strong>
        {offer.variantTitle ? ` · ${offer.variantTitle}` : ''}
      </p>
      <p>
        {t('groupBuyPrice', { price, size: String(offer.teamSize) })} <s>{i18n.money(offer.regularPriceMinor, offer.currency)}</s>
      </p>
      {team && (
        <div role="group" aria-label={t('groupBuyProgress', { n: team.memberCount, size: team.teamSize })}>
          <progress max={team.teamSize} value={team.memberCount} />
          <p>{t('groupBuyProgress', { n: team.memberCount, size: team.teamSize })}</p>
          <ul>
            {team.members.map((member) => (
              <li key={member.shopperId}>{member.displayName}</li>
            ))}
          </ul>
          {team.status === 'open' && <p>{t('groupBuyEndsIn', { time: remainingText(team.expiresAt, now) })}</p>}
          {team.status === 'formed' && <p role="status">{t('groupBuyFormed')}</p>}
          {team.status === 'expired' && <p role="status">{t('groupBuyExpired')}</p>}
        </div>
      )}
      {!team && (
        <button type="button" class="primary" disabled={busy} onClick={open}>
          {t('groupBuyOpen', { price })}
        </button>
      )}
      {team?.status === 'open' && !isMember && (
        <button type="button" class="primary" disabled={busy} onClick={join}>
          {t('groupBuyJoin', { price })}
        </button>
      )}
      {team?.status === 'open' && isMember && (
        // The shopper's own share link to the team (their referral code): /r/<code> unfurls at the team price.
        <ShareButton options={options} target={{ kind: 'group_buy_team', targetId: team.id }} label={bridge ? t('groupBuyShare') : t('groupBuyCopyLink')} />
      )}
      {team?.status === 'formed' && team.me?.orderId && (
        <button type="button" onClick={() => openOrder(team.me!.orderId!)}>
          {t('groupBuySeeOrder')}
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {needsMoney && !cardForm && (
        <>
          <button type="button" class="primary" disabled={busy} onClick={startCard}>
            {t('groupBuyPayByCard', { price })}
          </button>
          <button type="button" onClick={topUp}>
            {t('groupBuyTopUp')}
          </button>
        </>
      )}
      {cardForm && (
        <>
          <slot name="payment" />
          <button type="button" class="primary" disabled={busy} onClick={payCard}>
            {t('payByCard', { amount: i18n.money(cardForm.amountMinor, offer.currency) })}
          </button>
        </>
      )}
    </section>
  );
}
