import {
  DataTable,
  DateField,
  FunctionField,
  Link,
  ReferenceManyField,
  Show,
  SimpleShowLayout,
  TextField,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { dataProvider } from '../api/dataProvider.ts';
import { MoneyField } from '../money.tsx';
import { MerchantStatus } from './MerchantStatus.tsx';

/** Suspend or reactivate: PUT /operator/merchants/:id with the new status. */
function StatusButton() {
  const record = useRecordContext<{ id: string; status: string }>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  if (!record) return null;
  const next = record.status === 'active' ? 'suspended' : 'active';
  const change = async () => {
    try {
      await dataProvider.send(`operator/merchants/${record.id}`, { method: 'PUT', json: { status: next } });
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
  };
  return (
    <Button variant="outlined" onClick={change}>
      {translate(next === 'suspended' ? 'minishop.operator.suspend' : 'minishop.operator.reactivate')}
    </Button>
  );
}

function FeeRateLink() {
  const record = useRecordContext<{ id: string }>();
  const translate = useTranslate();
  if (!record) return null;
  return <Link to={`/fee-rates/${record.id}`}>{translate('minishop.operator.edit_fee_rate')}</Link>;
}

function Heading({ text }: { text: string }) {
  const translate = useTranslate();
  return (
    <Typography variant="h6" component="h2">
      {translate(text)}
    </Typography>
  );
}

/** A merchant with its shops, its ledger balances (every account it owns) and its fee rate. */
export default function MerchantShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" />
        <FunctionField source="status" render={(record) => <MerchantStatus status={record.status} />} />
        <TextField source="staffCount" />
        <DateField source="createdAt" />
        <StatusButton />
        <FeeRateLink />
        <Heading text="minishop.operator.shops" />
        <ReferenceManyField reference="operator-shops" target="merchantId" sort={{ field: 'name', order: 'ASC' }} label={false}>
          <DataTable bulkActionButtons={false} rowClick={false}>
            <DataTable.Col source="name" label="resources.shops.fields.name" />
            <DataTable.Col source="slug" label="resources.shops.fields.slug" />
            <DataTable.Col source="status" label="resources.shops.fields.status" />
            <DataTable.Col source="currency" label="resources.shops.fields.currency" />
          </DataTable>
        </ReferenceManyField>
        <Heading text="minishop.operator.balances" />
        <ReferenceManyField reference="ledger-accounts" target="merchantId" sort={{ field: 'kind', order: 'ASC' }} perPage={50} label={false}>
          <DataTable bulkActionButtons={false} rowClick={false}>
            <DataTable.Col source="kind" label="resources.ledger-accounts.fields.kind" />
            <DataTable.Col source="currency" label="resources.ledger-accounts.fields.currency" />
            <DataTable.Col source="balanceMinor" label="resources.ledger-accounts.fields.balanceMinor" align="right">
              <MoneyField source="balanceMinor" />
            </DataTable.Col>
            <DataTable.Col source="availableMinor" label="resources.ledger-accounts.fields.availableMinor" align="right">
              <MoneyField source="availableMinor" />
            </DataTable.Col>
          </DataTable>
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}
