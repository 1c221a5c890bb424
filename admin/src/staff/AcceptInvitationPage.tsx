import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { useSearchParams } from 'react-router-dom';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { acceptInvitation } from '../api/session.ts';

/**
 * The invitation link (`/admin/#/accept-invitation?token=...`, shown once to the inviter) opens this page
 * outside the layout, signed out: the person sets a name and password (or types the password of the
 * account they already have), and POST /api/auth/invitations/accept signs them in as the invited role.
 */
export default function AcceptInvitationPage() {
  const translate = useTranslate();
  const [searchParameters] = useSearchParams();
  const token = searchParameters.get('token') ?? '';
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation(token, password, name.trim() || undefined);
      // This page sits among react-admin's signed-out routes, which keep their "not signed in" state (moving
      // to the dashboard in place would sign the new session out again): a fresh document load starts the
      // console with the stored session, as after the sign-in page. A query string makes it a real load.
      window.location.replace(`${window.location.pathname}?invitation=accepted#/`);
    } catch (refusal) {
      const body = (refusal as { body?: { errors?: Record<string, string> } | null }).body;
      setError(Object.values(body?.errors ?? {})[0] ?? (refusal as Error).message);
      setBusy(false);
    }
  };
  return (
    <Box component="main" sx={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '100vh', bgcolor: 'background.default' }}>
      <Card sx={{ width: 400, maxWidth: '95vw' }}>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            {translate('minishop.accept_invitation.title')}
          </Typography>
          <Typography variant="body2" gutterBottom>
            {translate('minishop.accept_invitation.explain')}
          </Typography>
          {!token && <Alert severity="error">{translate('minishop.accept_invitation.no_token')}</Alert>}
          <form onSubmit={submit}>
            <TextField label={translate('minishop.accept_invitation.name')} value={name} onChange={(event) => setName(event.target.value)} fullWidth margin="normal" autoComplete="name" />
            <TextField
              label={translate('minishop.accept_invitation.password')}
              type="password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              fullWidth
              margin="normal"
              required
              autoComplete="new-password"
              error={Boolean(error)}
              helperText={error ? translate(error, { _: error }) : translate('minishop.accept_invitation.password_help')}
            />
            <Button type="submit" variant="contained" fullWidth disabled={!token || busy} sx={{ mt: 2 }}>
              {translate('minishop.accept_invitation.submit')}
            </Button>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}
