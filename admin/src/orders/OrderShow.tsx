import { DateField, Loading, ReferenceField, ShowBase, TextField as RaTextField, useRecordContext, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useParams } from 'react-router-dom';
import { useLiveTopic } from '../live.ts';
import { Money } from '../money.tsx';
import { OrderActions, type OrderDetail } from './OrderActions.tsx';
import { StatusChip } from './OrderList.tsx';
import { TrackingView } from '../shipments/TrackingView.tsx';
import { OrderPaymentQr } from './OrderPaymentQr.tsx';

function OrderDetailView() {
  const order = useRecordContext<OrderDetail>();
  const translate = useTranslate();
  // The list's copy of the order (no lines) shows first while the detail loads.
  if (!order?.lines) return <Loading />;
  const money = (amountMinor: number) => <Money amountMinor={amountMinor} currency={order.currency} />;
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Card>
        <CardContent>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
            <Typography variant="h5" component="h1">
              {translate('resources.orders.name', { smart_count: 1 })} #{order.number}
            </Typography>
            <StatusChip status={order.status} />
            <ReferenceField source="shopId" reference="shops" link={false}>
              <RaTextField source="name" />
            </ReferenceField>
            <DateField source="createdAt" showTime />
          </Stack>
          <Typography sx={{ mt: 1 }}>
            {translate('resources.orders.fields.totalMinor')}: {money(order.totalMinor)}
            {order.refundedMinor > 0 && (
              <>
                {' · '}
                {translate('resources.orders.fields.refundedMinor')}: {money(order.refundedMinor)}
              </>
            )}
          </Typography>
          <Stack sx={{ mt: 2 }}>
            <OrderActions order={order} />
          </Stack>
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.orders.lines')}
          </Typography>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>{translate('resources.products.fields.title')}</TableCell>
                <TableCell>{translate('resources.products.fields.sku')}</TableCell>
                <TableCell align="right">{translate('resources.orders.fields.itemCount')}</TableCell>
                <TableCell align="right">{translate('resources.products.fields.priceMinor')}</TableCell>
                <TableCell align="right">{translate('resources.orders.fields.totalMinor')}</TableCell>
                <TableCell align="right">{translate('resources.orders.fields.refundedMinor')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {order.lines.map((line) => (
                <TableRow key={line.id}>
                  <TableCell>
                    {line.productTitle} {line.variantTitle}
                  </TableCell>
                  <TableCell>{line.sku}</TableCell>
                  <TableCell align="right">{line.quantity}</TableCell>
                  <TableCell align="right">{money(line.unitPriceMinor)}</TableCell>
                  <TableCell align="right">{money(line.lineTotalMinor)}</TableCell>
                  <TableCell align="right">{line.refundedQuantity > 0 ? `${line.refundedQuantity} · ` : ''}{line.refundedMinor > 0 ? money(line.refundedMinor) : ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      {order.status === 'pending_payment' && <OrderPaymentQr orderId={order.id} />}
      {order.fulfilmentMethod === 'delivery' && <TrackingView orderId={order.id} />}
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.orders.refunds')}
          </Typography>
          {order.refunds.length === 0 ? (
            <Typography>{translate('minishop.orders.no_refunds')}</Typography>
          ) : (
            <ul>
              {order.refunds.map((refund) => (
                <li key={refund.id}>
                  {new Date(refund.createdAt).toLocaleString()} · {money(refund.amountMinor)} · {refund.kind} · {refund.status}
                  {refund.reason ? ` · ${refund.reason}` : ''}
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.orders.timeline')}
          </Typography>
          <ol aria-label={translate('minishop.orders.timeline')}>
            {order.events.map((event) => (
              <li key={event.id}>
                <time dateTime={event.createdAt}>{new Date(event.createdAt).toLocaleString()}</time> ·{' '}
                {event.fromStatus ? `${translate(`status.${event.fromStatus}`)} → ` : ''}
                {translate(`status.${event.toStatus}`)} · {event.actorType}
                {event.note ? ` · ${event.note}` : ''}
              </li>
            ))}
          </ol>
        </CardContent>
      </Card>
    </Stack>
  );
}

/** One order; its status, refunds and timeline follow GET /ws `resource/orders/<id>` by themselves. */
export default function OrderShow() {
  const { id } = useParams();
  useLiveTopic(id ? `resource/orders/${id}` : null);
  return (
    <ShowBase>
      <OrderDetailView />
    </ShowBase>
  );
}
