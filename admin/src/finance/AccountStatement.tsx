import { useEffect, useState } from 'react';
import { Link, Title, useDataProvider, useGetOne, useLocaleState, useNotify, useTranslate } from 'react-admin';
import { useParams } from 'react-router-dom';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { Money } from '../money.tsx';
import { dayToIso } from './downloadExport.ts';
import { ExportCsvButton } from './ExportCsvButton.tsx';

interface StatementLine {
  transferId: string;
  sequence: number;
  createdAt: string;
  kind: string;
  debitMinor: number;
  creditMinor: number;
  balanceMinor: number;
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
}

interface Statement {
  accountId: string;
  kind: string;
  currency: string;
  opening: { balanceMinor: number };
  closing: { balanceMinor: number };
  debitsMinor: number;
  creditsMinor: number;
  movements: number;
  lines: StatementLine[];
  nextAfterSequence: number | null;
}

/** The first day of this month (UTC), the statement's default start. */
function startOfMonth(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/**
 * An account's statement for a period [from, to): opening balance, every movement with its running
 * balance, closing balance, as GET finance/accounts/:id/statement computes it; the period's journal
 * lines of this account download as the server's CSV.
 */
export default function AccountStatement() {
  const { id = '' } = useParams();
  const translate = useTranslate();
  const notify = useNotify();
  const [locale] = useLocaleState();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const { data: account } = useGetOne('finance-accounts', { id });
  const [from, setFrom] = useState(startOfMonth);
  const [to, setTo] = useState('');
  const [statement, setStatement] = useState<Statement | null>(null);

  useEffect(() => {
    const query = new URLSearchParams({ limit: '1000' });
    const fromIso = dayToIso(from);
    const toIso = dayToIso(to);
    if (fromIso) query.set('from', fromIso);
    if (toIso) query.set('to', toIso);
    dataProvider.read<Statement>(`finance/accounts/${encodeURIComponent(id)}/statement?${query}`).then(setStatement, (error: Error) => notify(error.message, { type: 'error' }));
  }, [dataProvider, notify, id, from, to]);

  const currency = statement?.currency ?? account?.currency ?? 'EUR';
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={translate('minishop.finance.statement_title', { kind: account?.kind ?? '', currency })} />
      <CardContent>
        <Typography variant="h6" component="h1">
          {translate('minishop.finance.statement_title', { kind: account?.kind ?? '', currency })}
        </Typography>
        <Stack direction="row" spacing={2} useFlexGap sx={{ mt: 2, mb: 2, alignItems: 'center', flexWrap: 'wrap' }}>
          <TextField type="date" label={translate('minishop.finance.from')} value={from} onChange={(event) => setFrom(event.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
          <TextField type="date" label={translate('minishop.finance.to')} value={to} onChange={(event) => setTo(event.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
          <ExportCsvButton from={dayToIso(from)} to={dayToIso(to)} accountId={id} />
        </Stack>
        {statement && (
          <>
            <Typography>
              {translate('minishop.finance.opening')}: <Money amountMinor={statement.opening.balanceMinor} currency={currency} />
            </Typography>
            <Table size="small" aria-label={translate('minishop.finance.movements')}>
              <TableHead>
                <TableRow>
                  <TableCell>{translate('resources.journal.fields.sequence')}</TableCell>
                  <TableCell>{translate('resources.journal.fields.createdAt')}</TableCell>
                  <TableCell>{translate('resources.journal.fields.reason')}</TableCell>
                  <TableCell>{translate('resources.journal.fields.referenceId')}</TableCell>
                  <TableCell align="right">{translate('minishop.finance.debit')}</TableCell>
                  <TableCell align="right">{translate('minishop.finance.credit')}</TableCell>
                  <TableCell align="right">{translate('minishop.finance.balance')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {statement.lines.map((line) => (
                  <TableRow key={`${line.transferId}-${line.sequence}`}>
                    <TableCell>{line.sequence}</TableCell>
                    <TableCell>{new Date(line.createdAt).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en')}</TableCell>
                    <TableCell>{line.reason}</TableCell>
                    <TableCell>
                      {line.referenceType === 'order' && line.referenceId ? <Link to={`/orders/${line.referenceId}/show`}>{line.referenceId.slice(0, 8)}</Link> : (line.referenceId ?? '')}
                    </TableCell>
                    <TableCell align="right">{line.debitMinor ? <Money amountMinor={line.debitMinor} currency={currency} /> : ''}</TableCell>
                    <TableCell align="right">{line.creditMinor ? <Money amountMinor={line.creditMinor} currency={currency} /> : ''}</TableCell>
                    <TableCell align="right">
                      <Money amountMinor={line.balanceMinor} currency={currency} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography sx={{ mt: 2 }}>
              {translate('minishop.finance.closing')}: <Money amountMinor={statement.closing.balanceMinor} currency={currency} /> ·{' '}
              {translate('minishop.finance.period_totals', { count: statement.movements })} <Money amountMinor={statement.debitsMinor} currency={currency} /> /{' '}
              <Money amountMinor={statement.creditsMinor} currency={currency} />
            </Typography>
            {statement.nextAfterSequence !== null && <Typography color="text.secondary">{translate('minishop.finance.statement_truncated')}</Typography>}
          </>
        )}
      </CardContent>
    </Card>
  );
}
