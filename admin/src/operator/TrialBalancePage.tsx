import { useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import Alert from '@mui/material/Alert';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { dataProvider } from '../api/dataProvider.ts';
import { Money } from '../money.tsx';

interface Totals {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
  debitBalancesMinor: number;
  creditBalancesMinor: number;
}
interface TrialBalance {
  asOf: string | null;
  balanced: boolean;
  currencies: (Totals & { currency: string; balanced: boolean; kinds: (Totals & { kind: string; accounts: number })[] })[];
}

const COLUMNS = ['debitsPosted', 'creditsPosted', 'debitsPending', 'creditsPending', 'debitBalancesMinor', 'creditBalancesMinor'] as const;

/** The server's trial balance (GET /operator/finance/trial-balance): every account, per currency and kind. */
export default function TrialBalancePage() {
  const translate = useTranslate();
  const notify = useNotify();
  const [report, setReport] = useState<TrialBalance | null>(null);
  useEffect(() => {
    dataProvider.read<TrialBalance>('operator/finance/trial-balance').then(setReport, (error: Error) => notify(error.message, { type: 'error' }));
  }, [notify]);
  return (
    <Card>
      <Title title={translate('minishop.trial_balance.title')} />
      <CardContent>
        <Typography variant="h5" component="h1" gutterBottom>
          {translate('minishop.trial_balance.title')}
        </Typography>
        {report && (
          <Alert severity={report.balanced ? 'success' : 'error'} sx={{ mb: 2 }}>
            {translate(report.balanced ? 'minishop.trial_balance.balanced' : 'minishop.trial_balance.unbalanced')}
          </Alert>
        )}
        {report?.currencies.map((currency) => (
          <Table key={currency.currency} size="small" aria-label={currency.currency} sx={{ mb: 3 }}>
            <TableHead>
              <TableRow>
                <TableCell>{translate('minishop.trial_balance.kind')}</TableCell>
                <TableCell align="right">{translate('minishop.trial_balance.accounts')}</TableCell>
                {COLUMNS.map((column) => (
                  <TableCell key={column} align="right">
                    {translate(`minishop.trial_balance.${column}`)}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {currency.kinds.map((kind) => (
                <TableRow key={kind.kind}>
                  <TableCell>{kind.kind}</TableCell>
                  <TableCell align="right">{kind.accounts}</TableCell>
                  {COLUMNS.map((column) => (
                    <TableCell key={column} align="right">
                      <Money amountMinor={kind[column]} currency={currency.currency} />
                    </TableCell>
                  ))}
                </TableRow>
              ))}
              <TableRow data-testid={`trial-balance-total-${currency.currency}`}>
                <TableCell sx={{ fontWeight: 'bold' }}>
                  {translate('minishop.trial_balance.total', { currency: currency.currency })}
                </TableCell>
                <TableCell />
                {COLUMNS.map((column) => (
                  <TableCell key={column} align="right" sx={{ fontWeight: 'bold' }} data-column={column} data-minor={currency[column]}>
                    <Money amountMinor={currency[column]} currency={currency.currency} />
                  </TableCell>
                ))}
              </TableRow>
            </TableBody>
          </Table>
        ))}
      </CardContent>
    </Card>
  );
}
