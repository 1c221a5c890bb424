import { Create, required, SimpleForm, TextInput } from 'react-admin';

export default function CourierCreate() {
  return (
    <Create redirect="list">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <TextInput source="phone" type="tel" />
      </SimpleForm>
    </Create>
  );
}
