import { Edit, NumberInput, required, SimpleForm, TextInput } from 'react-admin';

/** PUT /api/admin/categories/:id takes name and position only (a category stays in its shop). */
const editableOnly = ({ name, position }: Record<string, unknown>) => ({ name, position });

export default function CategoryEdit() {
  return (
    <Edit transform={editableOnly} mutationMode="pessimistic" redirect="list">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <NumberInput source="position" step={1} />
      </SimpleForm>
    </Edit>
  );
}
