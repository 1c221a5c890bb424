import { Create, NumberInput, ReferenceInput, required, SelectInput, SimpleForm, TextInput, useDataProvider, useNotify, useRedirect, useTranslate, HttpError } from 'react-admin';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { MinishopDataProvider } from '../api/dataProvider.ts';
import { parseMajorToMinor } from '../money.tsx';

interface ProductForm {
  shopId: string;
  title: string;
  description?: string;
  status?: string;
  variant: { sku: string; title?: string; price: string; stockOnHand?: number };
}

/**
 * A product and its first variant with opening stock, as the merchant thinks of it. Two calls (product,
 * then variant); the server's field errors come back under the form's own names (variant.sku, ...), so
 * each shows beside its input.
 */
export default function ProductCreate() {
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const notify = useNotify();
  const redirect = useRedirect();
  const translate = useTranslate();
  const [currency] = useState('EUR');

  const save = async (values: Partial<ProductForm>) => {
    const form = values as ProductForm;
    let productId: string | undefined;
    try {
      const { data: product } = await dataProvider.create('products', {
        data: { shopId: form.shopId, title: form.title, ...(form.description ? { description: form.description } : {}), status: form.status ?? 'active' },
      });
      productId = String(product.id);
      const shop = await dataProvider.getOne('shops', { id: form.shopId });
      const priceMinor = parseMajorToMinor(String(form.variant.price), shop.data.currency ?? currency);
      if (priceMinor === null) return { variant: { price: translate('ra.validation.number') } };
      await dataProvider.create('variants', {
        data: { productId, sku: form.variant.sku, ...(form.variant.title ? { title: form.variant.title } : {}), priceMinor, stockOnHand: form.variant.stockOnHand ?? 0 },
      });
      notify('ra.notification.created', { type: 'success', messageArgs: { smart_count: 1 } });
      redirect('list', 'products');
      return undefined;
    } catch (error) {
      if (error instanceof HttpError) {
        const errors = (error.body as { errors?: Record<string, string> } | undefined)?.errors;
        // The variant was refused after the product was made: take the product back (it has no stock
        // history, so the server allows it), so a correction and a second save do not leave a duplicate.
        if (productId) await dataProvider.delete('products', { id: productId }).catch(() => undefined);
        // Only the form's own names (priceMinor is typed as variant.price): an error on a name with no
        // input never clears, and react-hook-form would refuse every later save.
        const { priceMinor, ...others } = errors ?? {};
        if (errors) return productId ? { variant: { ...others, ...(priceMinor ? { price: priceMinor } : {}) } } : errors;
        notify(error.message, { type: 'error' });
        return undefined;
      }
      throw error;
    }
  };

  return (
    <Create>
      <SimpleForm onSubmit={save}>
        <ReferenceInput source="shopId" reference="shops" sort={{ field: 'name', order: 'ASC' }}>
          <SelectInput optionText="name" validate={required()} />
        </ReferenceInput>
        <TextInput source="title" validate={required()} />
        <TextInput source="description" multiline />
        <SelectInput
          source="status"
          defaultValue="active"
          choices={[
            { id: 'active', name: 'status.active' },
            { id: 'draft', name: 'status.draft' },
          ]}
        />
        <Typography variant="h6" component="h2">
          {translate('minishop.products.first_variant')}
        </Typography>
        <TextInput source="variant.sku" label="resources.products.fields.sku" validate={required()} />
        <TextInput source="variant.price" label="resources.products.fields.priceMinor" validate={required()} inputMode="decimal" />
        <NumberInput source="variant.stockOnHand" label="resources.products.fields.stockOnHand" min={0} step={1} defaultValue={0} />
      </SimpleForm>
    </Create>
  );
}
