import { DataTable, List, TextInput } from 'react-admin';
import { MerchantStatus } from './MerchantStatus.tsx';

/** Each merchant's platform fee (basis points on settled goods); blank rate = the platform default. */
export default function FeeRateList() {
  return (
    <List sort={{ field: 'name', order: 'ASC' }} filters={[<TextInput key="q" source="q" alwaysOn />]} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick="edit">
        <DataTable.Col source="merchantName" disableSort />
        <DataTable.Col source="status" disableSort render={(record) => <MerchantStatus status={record.status} />} />
        <DataTable.Col source="basisPoints" disableSort align="right" render={(record) => (record.basisPoints === null ? '—' : String(record.basisPoints))} />
        <DataTable.Col source="effectiveBasisPoints" disableSort align="right" />
      </DataTable>
    </List>
  );
}
