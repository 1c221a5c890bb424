import { HttpError, NumberInput, required, SimpleForm, TextInput, useTranslate } from 'react-admin';
import { minorUnitExponent, parseMajorToMinor } from '../money.tsx';

export interface VariantFields {
  sku: string;
  title?: string;
  priceMinor: number;
  stockOnHand?: number;
}

/** The price the form shows: major units without the currency sign ("4.50"), as a person types it. */
export function priceText(priceMinor: number | undefined, currency: string): string {
  if (priceMinor === undefined) return '';
  return (priceMinor / 10 ** minorUnitExponent(currency)).toFixed(minorUnitExponent(currency));
}

/** The server's field errors, priceMinor shown under the price the person typed. */
export function fieldErrors(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof HttpError)) throw error;
  const errors = (error.body as { errors?: Record<string, string> } | undefined)?.errors;
  if (!errors) return { sku: error.message };
  // Only the form's own field names: an error on a name with no input never clears and blocks later submits.
  const { priceMinor, ...others } = errors;
  return { ...others, ...(priceMinor ? { price: priceMinor } : {}) };
}

/**
 * SKU, title and the price typed in major units of the shop's currency (converted to minor units
 * here, once); opening stock only when the variant is made (later changes are stock movements).
 */
export function VariantForm({
  currency,
  defaultValues,
  withOpeningStock,
  onSave,
  toolbar,
}: {
  currency: string;
  defaultValues: Record<string, unknown>;
  withOpeningStock: boolean;
  onSave: (fields: VariantFields) => Promise<Record<string, string> | undefined>;
  toolbar?: false;
}) {
  const translate = useTranslate();
  const submit = async (values: Record<string, unknown>) => {
    const priceMinor = parseMajorToMinor(String(values.price ?? ''), currency);
    if (priceMinor === null) return { price: translate('ra.validation.number') };
    return onSave({
      sku: String(values.sku),
      ...(values.title ? { title: String(values.title) } : {}),
      priceMinor,
      ...(withOpeningStock ? { stockOnHand: Number(values.stockOnHand ?? 0) } : {}),
    });
  };
  return (
    <SimpleForm onSubmit={submit} defaultValues={defaultValues} {...(toolbar === false ? { toolbar: false } : {})}>
      <TextInput source="sku" label="resources.variants.fields.sku" validate={required()} readOnly={toolbar === false} />
      <TextInput source="title" label="resources.variants.fields.title" readOnly={toolbar === false} />
      <TextInput
        source="price"
        label={translate('minishop.variants.price_in', { currency })}
        inputMode="decimal"
        validate={required()}
        readOnly={toolbar === false}
      />
      {withOpeningStock && <NumberInput source="stockOnHand" label="resources.products.fields.stockOnHand" min={0} step={1} />}
    </SimpleForm>
  );
}
