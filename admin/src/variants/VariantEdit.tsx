import { Link, Title, useCanAccess, useDataProvider, useGetOne, useNotify, useRefresh, useTranslate } from 'react-admin';
import { useParams } from 'react-router-dom';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { StockAdjustForm } from '../stock-movements/StockAdjustForm.tsx';
import { StockHistory } from '../stock-movements/StockHistory.tsx';
import { fieldErrors, priceText, VariantForm } from './VariantForm.tsx';
import { useVariantCurrency } from './useVariantCurrency.ts';

/**
 * A variant: SKU, title and price (catalog.write), its stock with an adjustment and a reason
 * (stock.adjust: a clerk counts stock too) and the movement history, newest first.
 */
export default function VariantEdit() {
  const { id = '' } = useParams();
  const translate = useTranslate();
  const dataProvider = useDataProvider();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data: variant } = useGetOne('variants', { id });
  const currency = useVariantCurrency(variant?.productId as string | undefined);
  const { canAccess: canWrite } = useCanAccess({ resource: 'variants', action: 'edit' });
  const { canAccess: canAdjust } = useCanAccess({ resource: 'stock-movements', action: 'create' });
  if (!variant || !currency) return null;
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <Title title={`${translate('resources.variants.name', { smart_count: 1 })} ${variant.sku}`} />
      <Card>
        <CardContent>
          <Button component={Link} to={`/products/${variant.productId as string}`}>
            {translate('minishop.variants.back_to_product')}
          </Button>
        </CardContent>
        <VariantForm
          key={variant.updatedAt as string}
          currency={currency}
          withOpeningStock={false}
          defaultValues={{ sku: variant.sku, title: variant.title, price: priceText(variant.priceMinor as number, currency) }}
          {...(canWrite ? {} : { toolbar: false as const })}
          onSave={async (fields) => {
            try {
              await dataProvider.update('variants', { id, data: fields, previousData: variant });
              notify('ra.notification.updated', { type: 'success', messageArgs: { smart_count: 1 } });
              refresh();
              return undefined;
            } catch (error) {
              return fieldErrors(error);
            }
          }}
        />
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.stock.title')}
          </Typography>
          <Typography>
            {translate('minishop.stock.levels', { onHand: variant.stockOnHand, reserved: variant.stockReserved, available: variant.stockAvailable })}
          </Typography>
          {canAdjust && <StockAdjustForm variantId={id} onDone={refresh} />}
          <StockHistory variantId={id} />
        </CardContent>
      </Card>
    </Stack>
  );
}
