import { Create, NumberInput, ReferenceInput, required, SelectInput, SimpleForm, TextInput } from 'react-admin';

export default function CategoryCreate() {
  return (
    <Create redirect="list">
      <SimpleForm>
        <ReferenceInput source="shopId" reference="shops" sort={{ field: 'name', order: 'ASC' }}>
          <SelectInput optionText="name" validate={required()} />
        </ReferenceInput>
        <TextInput source="name" validate={required()} />
        <NumberInput source="position" step={1} />
      </SimpleForm>
    </Create>
  );
}
