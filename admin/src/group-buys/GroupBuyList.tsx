import { CreateButton, DataTable, DateField, FunctionField, List, SelectInput, TextInput, TopToolbar, useCanAccess } from 'react-admin';
import { Money } from '../money.tsx';

export interface GroupBuyRecord {
  id: string;
  productTitle: string;
  variantTitle: string;
  currency: string;
  regularPriceMinor: number;
  teamPriceMinor: number;
  teamSize: number;
  windowSeconds: number;
  teamCap: number;
  openedTeams: number;
  openTeams: number;
  formedTeams: number;
  expiredTeams: number;
  status: 'active' | 'ended';
  createdAt: string;
}

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <SelectInput
    key="status"
    source="status"
    choices={[
      { id: 'active', name: 'minishop.status.active' },
      { id: 'ended', name: 'minishop.group_buys.ended' },
    ]}
  />,
];

function Actions() {
  const { canAccess } = useCanAccess({ resource: 'group-buys', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton />}</TopToolbar>;
}

export default function GroupBuyList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} actions={<Actions />} exporter={false}>
      <DataTable rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="productTitle" disableSort render={(record: GroupBuyRecord) => `${record.productTitle}${record.variantTitle ? ` · ${record.variantTitle}` : ''}`} />
        <DataTable.Col source="teamPriceMinor" disableSort>
          <FunctionField<GroupBuyRecord> render={(record) => <Money amountMinor={record.teamPriceMinor} currency={record.currency} />} />
        </DataTable.Col>
        <DataTable.Col source="teamSize" disableSort />
        <DataTable.Col source="openedTeams" disableSort render={(record: GroupBuyRecord) => `${record.openedTeams} / ${record.teamCap}`} />
        <DataTable.Col source="formedTeams" disableSort />
        <DataTable.Col source="openTeams" disableSort />
        <DataTable.Col source="expiredTeams" disableSort />
        <DataTable.Col source="createdAt" field={DateField} />
      </DataTable>
    </List>
  );
}
