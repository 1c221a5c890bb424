import { DataTable, DateField, List, TextInput } from 'react-admin';

/** The chats that may vouch for shoppers with their own signed tokens. */
export default function ChatHostList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={[<TextInput key="q" source="q" alwaysOn />]} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="status" />
        <DataTable.Col source="notificationUrl" disableSort />
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}
