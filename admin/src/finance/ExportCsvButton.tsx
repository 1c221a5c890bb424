import { useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import DownloadIcon from '@mui/icons-material/Download';
import { downloadExport } from './downloadExport.ts';

/** The journal CSV for a period (and an account), streamed by the server and saved as a file. */
export function ExportCsvButton({ from, to, accountId, label = 'minishop.finance.export_csv' }: { from?: string | null; to?: string | null; accountId?: string | null; label?: string }) {
  const translate = useTranslate();
  const notify = useNotify();
  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    setDownloading(true);
    try {
      await downloadExport('finance/journal.csv', { from, to, accountId }, 'journal.csv');
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setDownloading(false);
    }
  };
  return (
    <Button variant="contained" startIcon={<DownloadIcon />} disabled={downloading} onClick={download}>
      {downloading ? translate('minishop.finance.downloading') : translate(label)}
    </Button>
  );
}
