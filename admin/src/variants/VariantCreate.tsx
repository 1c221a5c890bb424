import { Title, useDataProvider, useNotify, useRedirect, useTranslate } from 'react-admin';
import { useLocation } from 'react-router-dom';
import Card from '@mui/material/Card';
import { fieldErrors, VariantForm } from './VariantForm.tsx';
import { useVariantCurrency } from './useVariantCurrency.ts';

/** A further variant of a product (its id comes in the link's ?source={"productId":...}). */
export default function VariantCreate() {
  const translate = useTranslate();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const redirect = useRedirect();
  const source = new URLSearchParams(useLocation().search).get('source');
  const productId = source ? (JSON.parse(source) as { productId?: string }).productId : undefined;
  const currency = useVariantCurrency(productId);
  return (
    <Card sx={{ mt: 2 }}>
      <Title title={translate('minishop.products.add_variant')} />
      {currency && productId && (
        <VariantForm
          currency={currency}
          withOpeningStock
          defaultValues={{ stockOnHand: 0 }}
          onSave={async (fields) => {
            try {
              await dataProvider.create('variants', { data: { productId, ...fields } });
              notify('ra.notification.created', { type: 'success', messageArgs: { smart_count: 1 } });
              redirect('edit', 'products', productId);
              return undefined;
            } catch (error) {
              return fieldErrors(error);
            }
          }}
        />
      )}
    </Card>
  );
}
