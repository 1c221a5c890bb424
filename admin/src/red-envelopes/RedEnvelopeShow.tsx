import { DateField, Loading, ShowBase, useRecordContext, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { LedgerTransferTable, type LedgerTransferRow } from '../finance/LedgerTransferTable.tsx';
import { Money } from '../money.tsx';
import { EnvelopeStatusChip } from './RedEnvelopeList.tsx';

/** GET /api/admin/red-envelopes/:id, as this page reads it. */
interface MerchantRedEnvelope {
  id: string;
  mode: string;
  currency: string;
  amountMinor: number;
  shareCount: number;
  claimedCount: number;
  claimedMinor: number;
  returnedMinor: number | null;
  message: string | null;
  status: string;
  groupKey: string;
  expiresAt: string;
  claims: { position: number; shopperId: string; displayName: string; amountMinor: number; claimedAt: string }[];
  transfers: LedgerTransferRow[];
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Typography>
      {label}: {children}
    </Typography>
  );
}

function EnvelopeDetail() {
  const envelope = useRecordContext<MerchantRedEnvelope>();
  const translate = useTranslate();
  if (!envelope?.transfers) return <Loading />;
  const money = (amountMinor: number | null) => <Money amountMinor={amountMinor} currency={envelope.currency} />;
  const field = (name: string) => translate(`resources.red-envelopes.fields.${name}`);
  const time = (iso: string) => new Date(iso).toLocaleString();
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Card>
        <CardContent>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
            <Typography variant="h5" component="h1">
              {envelope.message ?? translate('resources.red-envelopes.name', { smart_count: 1 })}
            </Typography>
            <EnvelopeStatusChip />
            <DateField source="createdAt" showTime />
          </Stack>
          <Row label={field('mode')}>{translate(`minishop.red_envelopes.modes.${envelope.mode}`)}</Row>
          <Row label={field('amountMinor')}>{money(envelope.amountMinor)}</Row>
          <Row label={field('claimedCount')}>
            {envelope.claimedCount} / {envelope.shareCount} ({money(envelope.claimedMinor)})
          </Row>
          <Row label={field('returnedMinor')}>{money(envelope.returnedMinor)}</Row>
          <Row label={field('expiresAt')}>{time(envelope.expiresAt)}</Row>
          <Row label={field('groupKey')}>{envelope.groupKey}</Row>
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.red_envelopes.claims')}
          </Typography>
          {envelope.claims.length === 0 ? (
            <Typography>{translate('minishop.red_envelopes.no_claims')}</Typography>
          ) : (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>{translate('minishop.red_envelopes.position')}</TableCell>
                  <TableCell>{translate('minishop.red_envelopes.claimer')}</TableCell>
                  <TableCell>{field('amountMinor')}</TableCell>
                  <TableCell>{translate('minishop.red_envelopes.claimed_at')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {envelope.claims.map((claim) => (
                  <TableRow key={claim.position}>
                    <TableCell>{claim.position + 1}</TableCell>
                    <TableCell>{claim.displayName}</TableCell>
                    <TableCell>{money(claim.amountMinor)}</TableCell>
                    <TableCell>{time(claim.claimedAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('resources.ledger-transfers.name', { smart_count: 2 })}
          </Typography>
          <LedgerTransferTable transfers={envelope.transfers} reasons="minishop.red_envelopes.reasons" />
        </CardContent>
      </Card>
    </Stack>
  );
}

export default function RedEnvelopeShow() {
  return (
    <ShowBase>
      <EnvelopeDetail />
    </ShowBase>
  );
}
