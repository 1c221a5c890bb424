import { useTranslate } from 'react-admin';
import Alert from '@mui/material/Alert';
import TextField from '@mui/material/TextField';

/** A secret the server shows this once (it keeps only a hash): read-only, labelled, to copy now. */
export function ShownOnce({ message, label, value }: { message: string; label: string; value: string }) {
  const translate = useTranslate();
  return (
    <Alert severity="success" sx={{ width: '100%' }}>
      {translate(message)}
      <TextField value={value} fullWidth slotProps={{ htmlInput: { readOnly: true, 'aria-label': translate(label) } }} sx={{ mt: 1 }} />
    </Alert>
  );
}
