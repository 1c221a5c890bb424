import { lazy, Suspense, useEffect, useState } from 'react';
import { HttpError, Loading, Title, useDataProvider, useGetIdentity, useNotify, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { Money } from '../money.tsx';

/** GET /api/admin/dashboard (the contract in docs/console-api.md): every figure computed by the server. */
export interface DashboardFigures {
  revenueByDay: { day: string; currency: string; grossMinor: number; refundedMinor: number; netMinor: number; orderCount: number }[];
  ordersByStatus: { status: string; count: number }[];
  shipmentsWaiting: { count: number; oldestCreatedAt: string | null };
  lowStock: { threshold: number; count: number; variants: { variantId: string; productTitle: string; sku: string; stockAvailable: number }[] };
  today: { payments: { currency: string; count: number; amountMinor: number }[]; settlements: { currency: string; count: number; amountMinor: number }[] };
}

const RevenueChart = lazy(() => import('./RevenueChart.tsx'));

function Figure({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Card sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="subtitle2" component="h2" color="text.secondary">
          {title}
        </Typography>
        <Typography variant="h5" component="div">
          {children}
        </Typography>
      </CardContent>
    </Card>
  );
}

function Amounts({ rows }: { rows: { currency: string; count: number; amountMinor: number }[] }) {
  if (rows.length === 0) return <>0</>;
  return (
    <>
      {rows.map((row) => (
        <div key={row.currency}>
          <Money amountMinor={row.amountMinor} currency={row.currency} /> ({row.count})
        </div>
      ))}
    </>
  );
}

export default function Dashboard() {
  const translate = useTranslate();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const { identity } = useGetIdentity();
  const notify = useNotify();
  const [figures, setFigures] = useState<DashboardFigures | null | 'unavailable'>(null);

  useEffect(() => {
    dataProvider
      .read<DashboardFigures>('dashboard')
      .then(setFigures)
      // Until the server has the endpoint (404) or when the role may not read it (403), say so; never sum a
      // page of orders in the browser instead. Anything else is an error the user sees.
      .catch((error: unknown) => {
        setFigures('unavailable');
        if (!(error instanceof HttpError && (error.status === 404 || error.status === 403))) notify((error as Error).message, { type: 'error' });
      });
  }, [dataProvider, notify]);

  return (
    <Grid container spacing={2} sx={{ mt: 2 }}>
      <Title title={translate('minishop.dashboard.title')} />
      <Grid size={12}>
        <Typography variant="h5" component="h1">
          {translate('minishop.dashboard.welcome', { name: identity?.fullName ?? '' })}
        </Typography>
        {identity?.merchant && <Typography color="text.secondary">{translate('minishop.dashboard.merchant', { name: identity.merchant })}</Typography>}
      </Grid>
      {figures === null && <Loading />}
      {figures === 'unavailable' && (
        <Grid size={12}>
          <Typography>{translate('minishop.not_available')}</Typography>
        </Grid>
      )}
      {figures && figures !== 'unavailable' && (
        <>
          <Grid size={{ xs: 12, md: 3 }}>
            <Figure title={translate('minishop.dashboard.payments_today')}>
              <Amounts rows={figures.today.payments} />
            </Figure>
          </Grid>
          <Grid size={{ xs: 12, md: 3 }}>
            <Figure title={translate('minishop.dashboard.settlements_today')}>
              <Amounts rows={figures.today.settlements} />
            </Figure>
          </Grid>
          <Grid size={{ xs: 12, md: 3 }}>
            <Figure title={translate('minishop.dashboard.shipments_waiting')}>{figures.shipmentsWaiting.count}</Figure>
          </Grid>
          <Grid size={{ xs: 12, md: 3 }}>
            <Figure title={translate('minishop.dashboard.low_stock')}>{figures.lowStock.count}</Figure>
          </Grid>
          <Grid size={{ xs: 12, md: 8 }}>
            <Card>
              <CardContent>
                <Typography variant="subtitle2" component="h2" color="text.secondary">
                  {translate('minishop.dashboard.revenue')}
                </Typography>
                <Suspense fallback={<Loading />}>
                  <RevenueChart rows={figures.revenueByDay} />
                </Suspense>
              </CardContent>
            </Card>
          </Grid>
          <Grid size={{ xs: 12, md: 4 }}>
            <Card>
              <CardContent>
                <Typography variant="subtitle2" component="h2" color="text.secondary">
                  {translate('minishop.dashboard.orders_by_status')}
                </Typography>
                <ul>
                  {figures.ordersByStatus.map((row) => (
                    <li key={row.status}>
                      {translate(`status.${row.status}`, { _: row.status })}: {row.count}
                    </li>
                  ))}
                </ul>
              </CardContent>
            </Card>
          </Grid>
        </>
      )}
    </Grid>
  );
}
