import { useCallback, useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import LinearProgress from '@mui/material/LinearProgress';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { dataProvider } from '../api/dataProvider.ts';
import { dayToIso, isoToDay } from '../finance/downloadExport.ts';
import { Money } from '../money.tsx';

const STATUSES = ['matched', 'missing_on_our_side', 'missing_at_provider', 'amount_mismatch', 'status_mismatch'] as const;
type Counts = Record<(typeof STATUSES)[number], number>;
interface Item {
  status: string;
  currency: string;
  ourAmountMinor: number | null;
  providerAmountMinor: number | null;
  providerReference?: string | null;
  providerReferences?: string[];
  referenceId?: string | null;
  payoutId?: string | null;
  kind?: string;
}
interface Section {
  counts: Counts;
  nextAfter: string | null;
  items: Item[];
}
interface Report {
  provider: string;
  cardProcessor: string;
  payouts: Section;
  cardClearing: Section;
}

function firstOfThisMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
}
function startOfTomorrow(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
}

function SectionTable({ title, section }: { title: string; section: Section }) {
  const translate = useTranslate();
  // What needs a look first: anything but matched.
  const items = [...section.items].sort((a, b) => Number(a.status === 'matched') - Number(b.status === 'matched'));
  return (
    <>
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>
        {translate(title)}
      </Typography>
      <Stack direction="row" spacing={2} sx={{ my: 1, flexWrap: 'wrap' }}>
        {STATUSES.map((status) => (
          <Typography key={status} variant="body2">
            {translate(`minishop.reconciliation.status.${status}`)}: <strong>{section.counts[status]}</strong>
          </Typography>
        ))}
      </Stack>
      <Table size="small" aria-label={translate(title)}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('minishop.reconciliation.status_column')}</TableCell>
            <TableCell>{translate('minishop.reconciliation.reference')}</TableCell>
            <TableCell align="right">{translate('minishop.reconciliation.ours')}</TableCell>
            <TableCell align="right">{translate('minishop.reconciliation.provider')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((item, index) => (
            <TableRow key={index}>
              <TableCell>{translate(`minishop.reconciliation.status.${item.status}`, { _: item.status })}</TableCell>
              <TableCell>{item.providerReference ?? item.providerReferences?.join(', ') ?? item.referenceId ?? item.payoutId ?? '—'}</TableCell>
              <TableCell align="right">
                <Money amountMinor={item.ourAmountMinor} currency={item.currency} />
              </TableCell>
              <TableCell align="right">
                <Money amountMinor={item.providerAmountMinor} currency={item.currency} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {section.nextAfter && <Typography variant="body2">{translate('minishop.reconciliation.more')}</Typography>}
    </>
  );
}

/** GET /operator/finance/reconciliation: our payouts and card clearing matched against the provider's records (Stripe's balance transactions). */
export default function ReconciliationPage() {
  const translate = useTranslate();
  const notify = useNotify();
  const [from, setFrom] = useState(firstOfThisMonth);
  const [to, setTo] = useState(startOfTomorrow);
  const [report, setReport] = useState<Report | null>(null);
  // The server asks the providers for their records first: that can take a while, so say it is working.
  const [loading, setLoading] = useState(false);
  const load = useCallback(() => {
    const query = new URLSearchParams({ from, to });
    setLoading(true);
    dataProvider
      .read<Report>(`operator/finance/reconciliation?${query}`)
      .then(setReport, (error: Error) => notify(error.message, { type: 'error' }))
      .finally(() => setLoading(false));
  }, [from, to, notify]);
  useEffect(load, [load]);
  return (
    <Card>
      <Title title={translate('minishop.reconciliation.title')} />
      <CardContent>
        <Typography variant="h5" component="h1" gutterBottom>
          {translate('minishop.reconciliation.title')}
        </Typography>
        <Stack direction="row" spacing={2} sx={{ mb: 2 }}>
          <TextField type="date" label={translate('minishop.reconciliation.from')} value={isoToDay(from)} onChange={(event) => setFrom(dayToIso(event.target.value) ?? from)} slotProps={{ inputLabel: { shrink: true } }} />
          <TextField type="date" label={translate('minishop.reconciliation.to')} value={isoToDay(to)} onChange={(event) => setTo(dayToIso(event.target.value) ?? to)} slotProps={{ inputLabel: { shrink: true } }} />
          <Button variant="outlined" onClick={load}>
            {translate('ra.action.refresh')}
          </Button>
        </Stack>
        {loading && <LinearProgress aria-label={translate('ra.page.loading')} sx={{ mb: 2 }} />}
        {report && (
          <>
            <Typography variant="body2">{translate('minishop.reconciliation.against', { provider: report.provider, cardProcessor: report.cardProcessor })}</Typography>
            <SectionTable title="minishop.reconciliation.payouts" section={report.payouts} />
            <SectionTable title="minishop.reconciliation.card_clearing" section={report.cardClearing} />
          </>
        )}
      </CardContent>
    </Card>
  );
}
