import { Edit, required, SelectInput, Show, SimpleForm, SimpleShowLayout, TextField, TextInput, useCanAccess, useTranslate } from 'react-admin';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { ProductPhotos } from './ProductPhotos.tsx';
import { ProductVariants } from './ProductVariants.tsx';

/** PUT /api/admin/products/:id takes these (a product stays in its shop); the rest of the record is not sent. */
const editableOnly = ({ title, description, status, categoryId }: Record<string, unknown>) => ({ title, description, status, ...(categoryId !== undefined ? { categoryId } : {}) });

/**
 * A product: its text and status, its photos (upload by drag and drop or the camera) and its variants
 * (price, stock with the movement history). Finance reads it all without the save buttons.
 */
export default function ProductEdit() {
  const translate = useTranslate();
  const { canAccess, isPending } = useCanAccess({ resource: 'products', action: 'edit' });
  const canWrite = canAccess === true;
  if (isPending) return null;
  return (
    <Stack spacing={2}>
      {/* <Edit> itself requires the edit permission; the roles without it get the same fields to read. */}
      {canWrite ? (
        <Edit transform={editableOnly} mutationMode="pessimistic" redirect={false}>
          <SimpleForm>
            <TextInput source="title" validate={required()} />
            <TextInput source="description" multiline />
            <SelectInput
              source="status"
              choices={[
                { id: 'active', name: 'status.active' },
                { id: 'draft', name: 'status.draft' },
                { id: 'archived', name: 'status.archived' },
              ]}
            />
          </SimpleForm>
        </Edit>
      ) : (
        <Show actions={false}>
          <SimpleShowLayout>
            <TextField source="title" />
            <TextField source="description" />
            <TextField source="status" />
          </SimpleShowLayout>
        </Show>
      )}
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.products.photos')}
          </Typography>
          <ProductPhotos canWrite={canWrite} />
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2">
            {translate('minishop.products.variants')}
          </Typography>
          <ProductVariants canWrite={canWrite} />
        </CardContent>
      </Card>
    </Stack>
  );
}
