import { Form, HttpError, NumberInput, required, SaveButton, SelectInput, TextInput, useDataProvider, useNotify, useTranslate } from 'react-admin';
import Stack from '@mui/material/Stack';

/**
 * The reasons a person may give (the server's MANUAL_STOCK_MOVEMENT_REASONS; not imported, as its
 * module brings TypeBox into the bundle; a reason the server does not take comes back as a field error).
 */
export const MANUAL_STOCK_MOVEMENT_REASONS = ['receipt', 'adjustment', 'damage', 'loss', 'return', 'correction'] as const;

/**
 * Move a variant's stock by a signed quantity with a reason (receipt, damage, ...) and a note: one
 * POST /api/admin/stock-movements, journaled by the server. Its refusals show beside their inputs
 * (422 insufficient_stock under the quantity).
 */
export function StockAdjustForm({ variantId, onDone }: { variantId: string; onDone: () => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider();
  const submit = async (values: Record<string, unknown>) => {
    try {
      await dataProvider.create('stock-movements', {
        data: { variantId, quantityDelta: Number(values.quantityDelta), reason: values.reason, ...(values.note ? { note: values.note } : {}) },
      });
      notify('minishop.stock.adjusted', { type: 'success' });
      onDone();
      return undefined;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return (error.body as { errors?: Record<string, string> } | undefined)?.errors ?? { quantityDelta: error.message };
    }
  };
  return (
    <Form onSubmit={submit} defaultValues={{ reason: 'receipt' }} resetOptions={{ keepDefaultValues: true }}>
      <Stack direction="row" spacing={2} useFlexGap sx={{ mt: 2, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <NumberInput source="quantityDelta" label="resources.stock-movements.fields.quantityDelta" step={1} validate={required()} helperText="minishop.stock.delta_help" />
        <SelectInput source="reason" label="resources.stock-movements.fields.reason" choices={MANUAL_STOCK_MOVEMENT_REASONS.map((reason) => ({ id: reason, name: `minishop.stock.reason.${reason}` }))} validate={required()} />
        <TextInput source="note" label="resources.stock-movements.fields.note" />
        <SaveButton label={translate('minishop.stock.adjust')} alwaysEnable sx={{ mt: 1 }} />
      </Stack>
    </Form>
  );
}
