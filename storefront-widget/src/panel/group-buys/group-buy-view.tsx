import { useEffect, useState } from 'preact/hooks';
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
 * team filling up live (GET /ws, the team's topic) with its countdown. A wallet too small leads to the
 * wallet's card top-up and back.
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
      {needsMoney && (
        <button type="button" onClick={topUp}>
          {t('groupBuyTopUp')}
        </button>
      )}
    </section>
  );
}
