import { useEffect, useState } from 'react';
import { Title, useDataProvider, useNotify, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import { Link } from 'react-router-dom';
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
import { dayToIso } from './downloadExport.ts';
import { ExportCsvButton } from './ExportCsvButton.tsx';
import { Money } from '../money.tsx';

interface Balance {
  currency: string;
  availableMinor: number;
  balanceMinor: number;
  heldForPayoutsMinor: number;
  pendingSettlementMinor: number;
}

/**
 * The merchant's money: balances per currency and the journal export. The export is the server's
 * streaming CSV (GET /api/admin/finance/journal.csv), downloaded as a file, never react-admin's
 * client-side exporter that stops at one page.
 */
export default function FinancePage() {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const [balances, setBalances] = useState<Balance[] | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  useEffect(() => {
    dataProvider.read<Balance[]>('finance/balances').then(setBalances, (error: Error) => notify(error.message, { type: 'error' }));
  }, [dataProvider, notify]);

  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Title title={translate('minishop.finance.title')} />
      <Stack direction="row" spacing={1} component="nav" aria-label={translate('minishop.finance.title')} sx={{ flexWrap: 'wrap' }}>
        {['finance-accounts', 'journal', 'payouts'].map((resource) => (
          <Button key={resource} component={Link} to={`/${resource}`} variant="outlined">
            {translate(`resources.${resource}.name`, { smart_count: 2 })}
          </Button>
        ))}
      </Stack>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h1">
            {translate('minishop.finance.balances')}
          </Typography>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>{translate('resources.shops.fields.currency')}</TableCell>
                <TableCell align="right">{translate('minishop.finance.available')}</TableCell>
                <TableCell align="right">{translate('minishop.finance.balance')}</TableCell>
                <TableCell align="right">{translate('minishop.finance.held')}</TableCell>
                <TableCell align="right">{translate('minishop.finance.pending')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(balances ?? []).map((balance) => (
                <TableRow key={balance.currency}>
                  <TableCell>{balance.currency}</TableCell>
                  <TableCell align="right">
                    <Money amountMinor={balance.availableMinor} currency={balance.currency} />
                  </TableCell>
                  <TableCell align="right">
                    <Money amountMinor={balance.balanceMinor} currency={balance.currency} />
                  </TableCell>
                  <TableCell align="right">
                    <Money amountMinor={balance.heldForPayoutsMinor} currency={balance.currency} />
                  </TableCell>
                  <TableCell align="right">
                    <Money amountMinor={balance.pendingSettlementMinor} currency={balance.currency} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.finance.journal')}
          </Typography>
          <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center', flexWrap: 'wrap' }}>
            <TextField type="date" label={translate('minishop.finance.from')} value={from} onChange={(event) => setFrom(event.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
            <TextField type="date" label={translate('minishop.finance.to')} value={to} onChange={(event) => setTo(event.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
            <ExportCsvButton from={dayToIso(from)} to={dayToIso(to)} />
          </Stack>
        </CardContent>
      </Card>
    </Stack>
  );
}
