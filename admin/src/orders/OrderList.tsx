import { DataTable, DateField, DateTimeInput, FunctionField, List, ReferenceField, ReferenceInput, SelectInput, TextInput, useTranslate } from 'react-admin';
import Chip from '@mui/material/Chip';
import { useLiveTopic } from '../live.ts';
import { MoneyField } from '../money.tsx';
import { orderStatusChoices } from './statuses.ts';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <SelectInput key="status" source="status" choices={orderStatusChoices} alwaysOn />,
  <ReferenceInput key="shopId" source="shopId" reference="shops" sort={{ field: 'name', order: 'ASC' }}>
    <SelectInput optionText="name" />
  </ReferenceInput>,
  <DateTimeInput key="createdAtFrom" source="createdAtFrom" label="minishop.orders.filter.from" parse={(value: string) => (value ? new Date(value).toISOString() : undefined)} />,
  <DateTimeInput key="createdAtTo" source="createdAtTo" label="minishop.orders.filter.to" parse={(value: string) => (value ? new Date(value).toISOString() : undefined)} />,
];

export function StatusChip({ status }: { status: string }) {
  const translate = useTranslate();
  return <Chip size="small" label={translate(`status.${status}`, { _: status })} />;
}

/** The merchant's orders, newest first; a new or changed order shows up by itself (GET /ws resource/orders). */
export default function OrderList() {
  useLiveTopic('resource/orders');
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} perPage={25} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="number" render={(record) => `#${record.number}`} />
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col source="status" render={(record) => <StatusChip status={record.status} />} />
        <DataTable.Col source="shopId" disableSort>
          <ReferenceField source="shopId" reference="shops" link={false} />
        </DataTable.Col>
        <DataTable.Col source="itemCount" disableSort />
        <DataTable.Col source="totalMinor">
          <MoneyField source="totalMinor" />
        </DataTable.Col>
        <DataTable.Col source="refundedMinor" disableSort>
          <FunctionField render={(record) => (record.refundedMinor ? <MoneyField source="refundedMinor" /> : null)} />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
