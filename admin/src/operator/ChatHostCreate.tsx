import { useState } from 'react';
import { Create, required, SimpleForm, TextInput } from 'react-admin';
import { ShownOnce } from '../layout/ShownOnce.tsx';

/** Registers a chat host; the server generates its signing secret and shows it this once (and a notification secret with a URL). */
export default function ChatHostCreate() {
  const [secrets, setSecrets] = useState<{ secret: string; notificationSecret?: string } | null>(null);
  return (
    <Create redirect={false} mutationOptions={{ onSuccess: (data) => setSecrets(data as unknown as { secret: string; notificationSecret?: string }) }}>
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <TextInput source="notificationUrl" type="url" />
        {secrets && <ShownOnce message="minishop.chat_hosts.secret_once" label="minishop.chat_hosts.secret" value={secrets.secret} />}
        {secrets?.notificationSecret && (
          <ShownOnce message="minishop.chat_hosts.notification_secret_once" label="minishop.chat_hosts.notification_secret" value={secrets.notificationSecret} />
        )}
      </SimpleForm>
    </Create>
  );
}
