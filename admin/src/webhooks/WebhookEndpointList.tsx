import { CreateButton, DataTable, DateField, List, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import { Link } from 'react-router-dom';

function DeliveriesLink() {
  const endpoint = useRecordContext();
  const translate = useTranslate();
  if (!endpoint) return null;
  const filter = encodeURIComponent(JSON.stringify({ endpointId: endpoint.id }));
  return (
    <Button size="small" component={Link} to={`/webhook-deliveries?filter=${filter}`} onClick={(event: React.MouseEvent) => event.stopPropagation()}>
      {translate('minishop.webhooks.deliveries')}
    </Button>
  );
}

export default function WebhookEndpointList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} actions={<TopToolbar><CreateButton /></TopToolbar>} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick="edit">
        <DataTable.Col source="url" />
        <DataTable.Col source="events" disableSort render={(endpoint) => (endpoint.events as string[]).join(', ')} />
        <DataTable.Col source="status" />
        <DataTable.Col source="consecutiveFailures" disableSort />
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col label="minishop.webhooks.deliveries">
          <DeliveriesLink />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
