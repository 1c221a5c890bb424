import { useLocaleState, useTranslate } from 'react-admin';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney, minorUnitExponent } from '../money.tsx';
import type { DashboardFigures } from './Dashboard.tsx';

/** Net revenue per day of the first currency (recharts, its own chunk). Amounts stay minor units until drawn. */
export default function RevenueChart({ rows }: { rows: DashboardFigures['revenueByDay'] }) {
  const [locale] = useLocaleState();
  const translate = useTranslate();
  const currency = rows[0]?.currency ?? 'EUR';
  const data = rows.filter((row) => row.currency === currency).map((row) => ({ day: row.day, netMinor: row.netMinor }));
  const exponent = minorUnitExponent(currency);
  return (
    <div style={{ width: '100%', height: 260 }} role="img" aria-label={data.map((row) => `${row.day}: ${formatMoney(row.netMinor, currency, locale)}`).join(', ')}>
      <ResponsiveContainer>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis tickFormatter={(value: number) => String(value / 10 ** exponent)} />
          {/* The series is named for people (not the field, netMinor) and its value is money, formatted here. */}
          <Tooltip formatter={(value) => [formatMoney(Number(value), currency, locale), translate('minishop.dashboard.net_revenue')]} />
          <Bar dataKey="netMinor" name={translate('minishop.dashboard.net_revenue')} fill="#2e7d32" />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
