import { useState } from 'react';
import { BooleanField, CreateButton, DataTable, DateField, List, TopToolbar, useCanAccess, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { MinishopDataProvider } from '../api/dataProvider.ts';

/** Issues (or rotates) the courier's sign-in token and shows it once, with the courier page to open. */
function IssueTokenButton() {
  const courier = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const [token, setToken] = useState<string | null>(null);
  if (!courier?.active) return null;
  const issue = async (event: React.MouseEvent) => {
    event.stopPropagation();
    try {
      const answer = await dataProvider.act<{ token: string }>('couriers', String(courier.id), 'token');
      setToken(answer.token);
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
  };
  return (
    <>
      <Button size="small" variant="outlined" onClick={issue}>
        {translate('minishop.couriers.issue_token')}
      </Button>
      <Dialog open={token !== null} onClose={() => setToken(null)} aria-labelledby="courier-token-title">
        <DialogTitle id="courier-token-title">{translate('minishop.couriers.token_title', { name: courier.name })}</DialogTitle>
        <DialogContent>
          <Typography sx={{ mb: 2 }}>{translate('minishop.couriers.token_once')}</Typography>
          <TextField value={token ?? ''} fullWidth slotProps={{ htmlInput: { readOnly: true, 'aria-label': translate('minishop.couriers.token') } }} />
          <Typography sx={{ mt: 2 }}>
            <a href="/courier" target="_blank" rel="noreferrer">
              {translate('minishop.couriers.open_page')}
            </a>
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setToken(null)}>{translate('ra.action.close')}</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

function Actions() {
  const { canAccess } = useCanAccess({ resource: 'couriers', action: 'create' });
  return <TopToolbar>{canAccess && <CreateButton />}</TopToolbar>;
}

export default function CourierList() {
  const { canAccess: canManage } = useCanAccess({ resource: 'couriers', action: 'edit' });
  return (
    <List sort={{ field: 'name', order: 'ASC' }} actions={<Actions />} exporter={false}>
      <DataTable rowClick={false} bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="phone" disableSort />
        <DataTable.Col source="active" disableSort field={BooleanField} />
        <DataTable.Col source="tokenIssuedAt" disableSort field={DateField} />
        {canManage && (
          <DataTable.Col label="minishop.couriers.token">
            <IssueTokenButton />
          </DataTable.Col>
        )}
      </DataTable>
    </List>
  );
}
