import { Confirm, CreateButton, DataTable, DateField, List, SelectInput, TextInput, TopToolbar, useDelete, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { useState } from 'react';
import Button from '@mui/material/Button';

const filters = [
  <TextInput key="q" source="q" alwaysOn />,
  <SelectInput
    key="revoked"
    source="revoked"
    choices={[
      { id: false, name: 'minishop.api_keys.active' },
      { id: true, name: 'minishop.api_keys.revoked' },
    ]}
  />,
];

/** DELETE revokes (the row stays, with revokedAt): a request with the key is refused from then on. */
function RevokeButton() {
  const key = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [revoke, { isPending }] = useDelete();
  if (!key || key.revokedAt) return null;
  return (
    <>
      <Button size="small" color="error" variant="outlined" onClick={() => setOpen(true)}>
        {translate('minishop.api_keys.revoke')}
      </Button>
      <Confirm
        isOpen={open}
        loading={isPending}
        title={translate('minishop.api_keys.revoke_title', { name: key.name })}
        content="minishop.api_keys.revoke_confirm"
        onClose={() => setOpen(false)}
        onConfirm={() =>
          revoke(
            'api-keys',
            { id: key.id, previousData: key },
            {
              mutationMode: 'pessimistic',
              onSuccess: () => {
                setOpen(false);
                notify('minishop.api_keys.revoked_done', { type: 'success' });
              },
              onError: (error) => notify((error as Error).message, { type: 'error' }),
            },
          )
        }
      />
    </>
  );
}

export default function ApiKeyList() {
  return (
    <List sort={{ field: 'createdAt', order: 'DESC' }} filters={filters} actions={<TopToolbar><CreateButton /></TopToolbar>} exporter={false}>
      <DataTable bulkActionButtons={false} rowClick={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="prefix" disableSort />
        <DataTable.Col source="role" />
        <DataTable.Col source="lastUsedAt" field={DateField} />
        <DataTable.Col source="revokedAt" disableSort field={DateField} />
        <DataTable.Col source="createdAt" field={DateField} />
        <DataTable.Col label="minishop.api_keys.revoke">
          <RevokeButton />
        </DataTable.Col>
      </DataTable>
    </List>
  );
}
