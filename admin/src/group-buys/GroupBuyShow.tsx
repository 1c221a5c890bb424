import { DateField, Loading, ShowBase, useRecordContext, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link, useParams } from 'react-router-dom';
import { LedgerTransferTable, type LedgerTransferRow } from '../finance/LedgerTransferTable.tsx';
import { Money } from '../money.tsx';
import type { GroupBuyRecord } from './GroupBuyList.tsx';

interface TeamMember {
  shopperId: string;
  displayName: string;
  position: number;
  orderId: string | null;
  holdTransferId: string;
}

interface Team {
  id: string;
  status: 'open' | 'formed' | 'expired';
  memberCount: number;
  teamSize: number;
  expiresAt: string;
  formedAt: string | null;
  expiredAt: string | null;
  members: TeamMember[];
  transfers: LedgerTransferRow[];
}

const TEAM_COLOURS = { open: 'info', formed: 'success', expired: 'default' } as const;

function TeamCard({ team }: { team: Team }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined">
      <CardContent>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          <Chip size="small" color={TEAM_COLOURS[team.status]} label={translate(`minishop.group_buys.team_status.${team.status}`)} />
          <Typography>{translate('minishop.group_buys.members_of', { count: team.memberCount, size: team.teamSize })}</Typography>
          <Typography variant="body2" color="text.secondary">
            {translate('minishop.group_buys.expires')}: {new Date(team.expiresAt).toLocaleString()}
          </Typography>
        </Stack>
        <Table size="small" sx={{ mt: 1 }} aria-label={translate('minishop.group_buys.members')}>
          <TableHead>
            <TableRow>
              <TableCell>#</TableCell>
              <TableCell>{translate('minishop.group_buys.member')}</TableCell>
              <TableCell>{translate('resources.orders.name', { smart_count: 1 })}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {team.members.map((member) => (
              <TableRow key={member.shopperId}>
                <TableCell>{member.position + 1}</TableCell>
                <TableCell>{member.displayName}</TableCell>
                <TableCell>{member.orderId ? <Link to={`/orders/${member.orderId}/show`}>{member.orderId.slice(0, 8)}</Link> : '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Typography variant="subtitle2" sx={{ mt: 2 }}>
          {translate('resources.ledger-transfers.name', { smart_count: 2 })}
        </Typography>
        <LedgerTransferTable transfers={team.transfers} />
      </CardContent>
    </Card>
  );
}

function GroupBuyDetail() {
  const offer = useRecordContext<GroupBuyRecord & { teams?: Team[] }>();
  const translate = useTranslate();
  // The list's copy (no teams) shows first while the detail loads.
  if (!offer?.teams) return <Loading />;
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Card>
        <CardContent>
          <Typography variant="h5" component="h1">
            {offer.productTitle}
            {offer.variantTitle ? ` · ${offer.variantTitle}` : ''}
          </Typography>
          <Typography sx={{ mt: 1 }}>
            {translate('resources.group-buys.fields.teamPriceMinor')}: <Money amountMinor={offer.teamPriceMinor} currency={offer.currency} /> ({translate('minishop.group_buys.instead_of')}{' '}
            <Money amountMinor={offer.regularPriceMinor} currency={offer.currency} />)
          </Typography>
          <Typography>
            {translate('resources.group-buys.fields.teamSize')}: {offer.teamSize} · {translate('resources.group-buys.fields.windowSeconds')}: {offer.windowSeconds} ·{' '}
            {translate('resources.group-buys.fields.openedTeams')}: {offer.openedTeams} / {offer.teamCap}
          </Typography>
          <DateField source="createdAt" showTime />
        </CardContent>
      </Card>
      <Typography variant="h6" component="h2">
        {translate('minishop.group_buys.teams')}
      </Typography>
      {offer.teams.length === 0 && <Typography>{translate('minishop.group_buys.no_teams')}</Typography>}
      {offer.teams.map((team) => (
        <TeamCard key={team.id} team={team} />
      ))}
    </Stack>
  );
}

export default function GroupBuyShow() {
  const { id } = useParams();
  return (
    <ShowBase id={id}>
      <GroupBuyDetail />
    </ShowBase>
  );
}
