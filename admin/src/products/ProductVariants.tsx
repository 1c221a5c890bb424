import { Link, useGetList, useGetOne, useTranslate } from 'react-admin';
import { useParams } from 'react-router-dom';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import AddIcon from '@mui/icons-material/Add';
import { Money } from '../money.tsx';

interface Variant {
  id: string;
  sku: string;
  title: string;
  priceMinor: number;
  stockOnHand: number;
  stockReserved: number;
  stockAvailable: number;
}

/** A product's variants (price in the shop's currency, stock); each opens its edit page with the stock history. */
export function ProductVariants({ canWrite }: { canWrite: boolean }) {
  const { id: productId = '' } = useParams();
  const translate = useTranslate();
  const { data: product } = useGetOne('products', { id: productId });
  const { data: shop } = useGetOne('shops', { id: product?.shopId }, { enabled: Boolean(product?.shopId) });
  const { data: variants = [] } = useGetList<Variant>('variants', { filter: { productId }, sort: { field: 'position', order: 'ASC' }, pagination: { page: 1, perPage: 100 } });
  const currency = (shop?.currency as string | undefined) ?? 'EUR';
  return (
    <>
      <Table size="small" aria-label={translate('minishop.products.variants')}>
        <TableHead>
          <TableRow>
            <TableCell>{translate('resources.variants.fields.sku')}</TableCell>
            <TableCell>{translate('resources.variants.fields.title')}</TableCell>
            <TableCell align="right">{translate('resources.variants.fields.priceMinor')}</TableCell>
            <TableCell align="right">{translate('resources.variants.fields.stockOnHand')}</TableCell>
            <TableCell align="right">{translate('resources.variants.fields.stockReserved')}</TableCell>
            <TableCell align="right">{translate('resources.variants.fields.stockAvailable')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {variants.map((variant) => (
            <TableRow key={variant.id}>
              <TableCell>
                <Link to={`/variants/${variant.id}/show`}>{variant.sku}</Link>
              </TableCell>
              <TableCell>{variant.title}</TableCell>
              <TableCell align="right">
                <Money amountMinor={variant.priceMinor} currency={currency} />
              </TableCell>
              <TableCell align="right">{variant.stockOnHand}</TableCell>
              <TableCell align="right">{variant.stockReserved}</TableCell>
              <TableCell align="right">{variant.stockAvailable}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {canWrite && (
        <Button component={Link} to={`/variants/create?source=${encodeURIComponent(JSON.stringify({ productId }))}`} startIcon={<AddIcon />} sx={{ mt: 1 }}>
          {translate('minishop.products.add_variant')}
        </Button>
      )}
    </>
  );
}
