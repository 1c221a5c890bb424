import { DataTable, DateField, List, ReferenceField, ReferenceInput, SelectInput, TextInput, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import type { MinishopDataProvider } from '../api/dataProvider.ts';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <ReferenceInput key="endpointId" source="endpointId" reference="webhook-endpoints" alwaysOn>
    <SelectInput optionText="url" />
  </ReferenceInput>,
  <SelectInput
    key="status"
    source="status"
    choices={['pending', 'succeeded', 'failed'].map((status) => ({ id: status, name: `minishop.webhooks.status.${status}` }))}
  />,
];

/** Send the delivery again now, with a fresh signature (POST .../replay answers 202). */
function ReplayButton() {
  const delivery = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  if (!delivery) return null;
  const replay = async () => {
    try {
      await dataProvider.act('webhook-deliveries', String(delivery.id), 'replay');
      notify('minishop.webhooks.replayed', { type: 'success' });
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
  };
  return (
    <Button size="small" variant="outlined" onClick={replay} aria-label={translate('minishop.webhooks.replay_named', { event: delivery.eventType })}>
      {translate('minishop.webhooks.replay')}
    </Button>
  );
}

function Status() {
  const delivery = useRecordContext();
  const translate = useTranslate();
  return delivery ? <span>{translate(`minishop.webhooks.status.${String(delivery.status)}`)}</span> : null;
}

/** The delivery log, newest first: status, attempts, the last answer, and a replay. */
export default function WebhookDeliveryList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="endpointId" disableSort>
          <ReferenceField source="endpointId" reference="webhook-endpoints" link="edit" />
        </DataTable.Col>
        <DataTable.Col source="eventType" />
        <DataTable.Col source="status">
          <Status />
        </DataTable.Col>
        <DataTable.Col source="attemptCount" disableSort />
        <DataTable.Col source="replayCount" disableSort />
        <DataTable.Col source="lastStatusCode" disableSort />
        <DataTable.Col source="lastError" disableSort />
        <DataTable.Col label="minishop.webhooks.replay">
          <ReplayButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
