import { useCallback, useState } from 'react';
import { HttpError, useDataProvider, useGetList, useGetOne, useNotify, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { sessionAllows } from '../api/authProvider.ts';
import { readSession } from '../api/session.ts';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import { useLiveTopic } from '../live.ts';

interface TrackingEvent {
  id: string;
  status: string;
  happenedAt: string;
  message: string;
  position: { latitude: number; longitude: number } | null;
}
interface ShipmentDetail {
  id: string;
  status: string;
  carrier: string | null;
  trackingNumber: string | null;
  courierId: string | null;
  events: TrackingEvent[];
}

const WIDTH = 480;
const HEIGHT = 240;
const PADDING = 16;

/**
 * The courier's route as a plain SVG (no map tiles): positions scaled into the box, oldest to newest, the
 * latest one marked. Longitude is x, latitude y (north up); close to the equator of a city that is enough.
 */
export function RouteSvg({ positions, label }: { positions: { latitude: number; longitude: number }[]; label: string }) {
  const latitudes = positions.map((position) => position.latitude);
  const longitudes = positions.map((position) => position.longitude);
  const [minLatitude, maxLatitude] = [Math.min(...latitudes), Math.max(...latitudes)];
  const [minLongitude, maxLongitude] = [Math.min(...longitudes), Math.max(...longitudes)];
  const spanLatitude = Math.max(maxLatitude - minLatitude, 1e-6);
  const spanLongitude = Math.max(maxLongitude - minLongitude, 1e-6);
  const points = positions.map((position) => [
    PADDING + ((position.longitude - minLongitude) / spanLongitude) * (WIDTH - 2 * PADDING),
    HEIGHT - PADDING - ((position.latitude - minLatitude) / spanLatitude) * (HEIGHT - 2 * PADDING),
  ]);
  const last = points.at(-1);
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={label} data-points={positions.length} style={{ maxWidth: WIDTH, background: 'rgba(127,127,127,0.08)' }}>
      <polyline points={points.map((point) => point.join(',')).join(' ')} fill="none" stroke="#2e7d32" strokeWidth={3} strokeLinejoin="round" />
      {points.map(([x, y], index) => (
        <circle key={index} cx={x} cy={y} r={3} fill="#2e7d32" />
      ))}
      {last && <circle cx={last[0]} cy={last[1]} r={8} fill="#c62828" stroke="#fff" strokeWidth={2} />}
    </svg>
  );
}

/** Assigns one of the shop's active couriers to the shipment (they then see it in their courier page). */
function AssignCourier({ shipment, onAssigned }: { shipment: ShipmentDetail; onAssigned: () => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const { data: couriers } = useGetList('couriers', { filter: { active: true }, sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 100 } });
  const [courierId, setCourierId] = useState(shipment.courierId ?? '');
  const assign = async () => {
    try {
      await dataProvider.act('shipments', shipment.id, 'courier', { courierId: courierId || null });
      notify('minishop.tracking.assigned', { type: 'success' });
      onAssigned();
    } catch (error) {
      notify(error instanceof HttpError ? error.message : String(error), { type: 'error' });
    }
  };
  return (
    <Stack direction="row" spacing={1} sx={{ my: 1, alignItems: 'center' }}>
      <TextField select size="small" label={translate('minishop.tracking.courier')} value={courierId} onChange={(event) => setCourierId(event.target.value)} sx={{ minWidth: 220 }}>
        <MenuItem value="">{translate('minishop.tracking.no_courier')}</MenuItem>
        {(couriers ?? []).map((courier) => (
          <MenuItem key={courier.id} value={courier.id}>
            {courier.name}
          </MenuItem>
        ))}
      </TextField>
      <Button variant="outlined" onClick={assign}>
        {translate('minishop.tracking.assign')}
      </Button>
    </Stack>
  );
}

/** The order's shipment: status timeline and route, refetched on each `tracking` event of the order topic. */
export function TrackingView({ orderId }: { orderId: string }) {
  const translate = useTranslate();
  const { data: shipments, refetch: refetchList } = useGetList<ShipmentDetail>('shipments', {
    filter: { orderId },
    sort: { field: 'createdAt', order: 'DESC' },
    pagination: { page: 1, perPage: 1 },
  });
  const shipmentId = shipments?.[0]?.id;
  const { data: shipment, refetch } = useGetOne<ShipmentDetail>('shipments', { id: shipmentId as string }, { enabled: Boolean(shipmentId) });
  const onEvent = useCallback(
    (event: { type: string }) => {
      if (event.type === 'tracking' || event.type === 'updated') {
        void refetchList();
        if (shipmentId) void refetch();
      }
    },
    [refetch, refetchList, shipmentId],
  );
  useLiveTopic(`resource/orders/${orderId}`, onEvent);
  if (!shipment?.events) return null;
  const positions = shipment.events.filter((event) => event.position).map((event) => event.position as { latitude: number; longitude: number });
  return (
    <Card>
      <CardContent>
        <Typography variant="h6" component="h2">
          {translate('minishop.tracking.title')}
        </Typography>
        <Typography color="text.secondary">
          {[shipment.carrier, shipment.trackingNumber, translate(`minishop.tracking.status.${shipment.status}`, { _: shipment.status })].filter(Boolean).join(' · ')}
        </Typography>
        {sessionAllows(readSession(), 'orders.fulfil') && <AssignCourier key={shipment.courierId ?? 'none'} shipment={shipment} onAssigned={() => void refetch()} />}
        {positions.length > 0 && <RouteSvg positions={positions} label={translate('minishop.tracking.route', { count: positions.length })} />}
        <ol aria-label={translate('minishop.tracking.timeline')}>
          {shipment.events.map((event) => (
            <li key={event.id}>
              <time dateTime={event.happenedAt}>{new Date(event.happenedAt).toLocaleString()}</time> · {translate(`minishop.tracking.status.${event.status}`, { _: event.status })}
              {event.message ? ` · ${event.message}` : ''}
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}
