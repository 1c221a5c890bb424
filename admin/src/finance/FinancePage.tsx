import { useEffect, useState } from 'react';
import { Title, useDataProvider, useNotify, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
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
import DownloadIcon from '@mui/icons-material/Download';
import { API_URL, type MinishopDataProvider } from '../api/dataProvider.ts';
import { authorizedFetch } from '../api/session.ts';
import { Money } from '../money.tsx';

interface Balance {
  currency: string;
  availableMinor: number;
  balanceMinor: number;
  heldForPayoutsMinor: number;
  pendingSettlementMinor: number;
}

/** A date input's value (local day) as the start of that day in UTC, the journal's period bounds. */
function dayToIso(day: string): string | null {
  return day ? new Date(`${day}T00:00:00.000Z`).toISOString() : null;
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
  const [downloading, setDownloading] = useState(false);

  useEffect(() => {
    dataProvider.read<Balance[]>('finance/balances').then(setBalances, (error: Error) => notify(error.message, { type: 'error' }));
  }, [dataProvider, notify]);

  const download = async () => {
    setDownloading(true);
    try {
      const query = new URLSearchParams();
      const fromIso = dayToIso(from);
      const toIso = dayToIso(to);
      if (fromIso) query.set('from', fromIso);
      if (toIso) query.set('to', toIso);
      const response = await authorizedFetch(`${API_URL}/finance/journal.csv?${query}`, { headers: { Accept: 'text/csv' } });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { message?: string } | null;
        throw new Error(body?.message ?? `HTTP ${response.status}`);
      }
      const filename = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'journal.csv';
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement('a'), { href: url, download: filename });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Title title={translate('minishop.finance.title')} />
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
            <Button variant="contained" startIcon={<DownloadIcon />} disabled={downloading} onClick={download}>
              {downloading ? translate('minishop.finance.downloading') : translate('minishop.finance.export_csv')}
            </Button>
          </Stack>
        </CardContent>
      </Card>
    </Stack>
  );
}
