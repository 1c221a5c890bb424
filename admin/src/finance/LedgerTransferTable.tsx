import { useTranslate } from 'react-admin';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { Money } from '../money.tsx';

/** A ledger transfer as the API shows it beside what it moved money for; the optional columns show when the API gives them. */
export interface LedgerTransferRow {
  id: string;
  reason: string;
  amountMinor: number;
  currency: string;
  kind?: string;
  debitAccountId?: string;
  creditAccountId?: string;
  createdAt?: string;
}

/**
 * The ledger transfers behind a group-buy team, a red envelope or a commission, so that finance can trace
 * the money to the journal: one row a transfer. `reasons` names the translations of the reasons (a
 * reason without one shows as the ledger writes it); the headers are the ledger transfers' own.
 */
export function LedgerTransferTable({ transfers, reasons }: { transfers: LedgerTransferRow[]; reasons?: string }) {
  const translate = useTranslate();
  const header = (field: string) => translate(`resources.ledger-transfers.fields.${field}`);
  const has = (field: keyof LedgerTransferRow) => transfers.some((transfer) => transfer[field] !== undefined);
  const [showKind, showAccounts, showTime] = [has('kind'), has('debitAccountId'), has('createdAt')];
  return (
    <Table size="small" aria-label={translate('resources.ledger-transfers.name', { smart_count: 2 })}>
      <TableHead>
        <TableRow>
          {showKind && <TableCell>{header('kind')}</TableCell>}
          <TableCell>{header('reason')}</TableCell>
          <TableCell align="right">{header('amountMinor')}</TableCell>
          {showAccounts && <TableCell>{header('debitAccountId')}</TableCell>}
          {showAccounts && <TableCell>{header('creditAccountId')}</TableCell>}
          {showTime && <TableCell>{header('createdAt')}</TableCell>}
          <TableCell>{translate('resources.ledger-transfers.name', { smart_count: 1 })}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {transfers.map((transfer) => (
          <TableRow key={transfer.id}>
            {showKind && <TableCell>{transfer.kind}</TableCell>}
            <TableCell>{reasons ? translate(`${reasons}.${transfer.reason}`, { _: transfer.reason }) : transfer.reason}</TableCell>
            <TableCell align="right">
              <Money amountMinor={transfer.amountMinor} currency={transfer.currency} />
            </TableCell>
            {showAccounts && (
              <TableCell>
                <code>{transfer.debitAccountId}</code>
              </TableCell>
            )}
            {showAccounts && (
              <TableCell>
                <code>{transfer.creditAccountId}</code>
              </TableCell>
            )}
            {showTime && <TableCell>{transfer.createdAt ? new Date(transfer.createdAt).toLocaleString() : '—'}</TableCell>}
            <TableCell title={transfer.id}>
              <code>{transfer.id.slice(0, 8)}</code>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
