import { useGetList, useLocaleState, useTranslate } from 'react-admin';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';

interface StockMovement {
  id: string;
  quantityDelta: number;
  stockOnHandAfter: number;
  reason: string;
  note: string;
  createdAt: string;
}

/** A variant's stock journal, newest first: every unit that came or went, why, and what was left. */
export function StockHistory({ variantId }: { variantId: string }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data: movements = [] } = useGetList<StockMovement>('stock-movements', { filter: { variantId }, sort: { field: 'createdAt', order: 'DESC' }, pagination: { page: 1, perPage: 50 } });
  return (
    <Table size="small" aria-label={translate('minishop.stock.history')} sx={{ mt: 2 }}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('resources.stock-movements.fields.createdAt')}</TableCell>
          <TableCell>{translate('resources.stock-movements.fields.reason')}</TableCell>
          <TableCell align="right">{translate('resources.stock-movements.fields.quantityDelta')}</TableCell>
          <TableCell align="right">{translate('resources.stock-movements.fields.stockOnHandAfter')}</TableCell>
          <TableCell>{translate('resources.stock-movements.fields.note')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {movements.map((movement) => (
          <TableRow key={movement.id}>
            <TableCell>{new Date(movement.createdAt).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en')}</TableCell>
            <TableCell>{translate(`minishop.stock.reason.${movement.reason}`, { _: movement.reason })}</TableCell>
            <TableCell align="right">{movement.quantityDelta > 0 ? `+${movement.quantityDelta}` : movement.quantityDelta}</TableCell>
            <TableCell align="right">{movement.stockOnHandAfter}</TableCell>
            <TableCell>{movement.note}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
