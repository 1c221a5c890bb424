import { Menu, useNotify, useTranslate } from 'react-admin';
import ViewListIcon from '@mui/icons-material/ViewList';
import { dataProvider } from '../api/dataProvider.ts';

/**
 * bull-board is its own page at /admin/queues behind a short-lived cookie: POST
 * /operator/queue-dashboard/session sets it, then the browser goes there.
 */
export function QueuesMenuItem() {
  const translate = useTranslate();
  const notify = useNotify();
  const open = async (event: React.MouseEvent) => {
    event.preventDefault();
    try {
      const { url } = await dataProvider.send<{ url: string }>('operator/queue-dashboard/session', { method: 'POST', json: {} });
      window.location.assign(new URL(url).pathname);
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
  };
  return <Menu.Item to="/queues" onClick={open} primaryText={translate('minishop.menu.queues')} leftIcon={<ViewListIcon />} />;
}
