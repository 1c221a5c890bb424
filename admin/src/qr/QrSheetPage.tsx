import { useEffect, useState } from 'react';
import { Title, useGetList, useTranslate } from 'react-admin';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import PrintIcon from '@mui/icons-material/Print';
import { API_URL } from '../api/dataProvider.ts';
import { authorizedFetch } from '../api/session.ts';

interface SheetCode {
  key: string;
  path: string;
  caption: string;
  instruction: string;
}

/** A signed code from the server (SVG), as a data: URL: the console's CSP allows data: images, not blob:. */
function QrImage({ path, alt }: { path: string; alt: string }) {
  const [source, setSource] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    authorizedFetch(`${API_URL}/qr-codes/${path}`, { headers: { Accept: 'image/svg+xml' } })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`HTTP ${response.status}`))))
      .then((svg) => !cancelled && setSource(`data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [path]);
  return source ? <img src={source} alt={alt} width={180} height={180} /> : <div style={{ width: 180, height: 180 }} aria-busy="true" />;
}

const PRINT_STYLE = `
@page { size: A4; margin: 12mm; }
@media print {
  body * { visibility: hidden; }
  #qr-sheet, #qr-sheet * { visibility: visible; }
  #qr-sheet { position: absolute; left: 0; top: 0; width: 100%; }
  .qr-sheet-controls { display: none !important; }
}
#qr-sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8mm; }
#qr-sheet figure { margin: 0; text-align: center; break-inside: avoid; border: 1px dashed #999; padding: 4mm; }
#qr-sheet figcaption strong { display: block; font-size: 14pt; }
#qr-sheet figcaption span { display: block; font-size: 10pt; }
`;

/** A printable A4 sheet: the shop's code, its products' codes and table codes, each with the shop's name and what to do. */
export default function QrSheetPage() {
  const translate = useTranslate();
  const { data: shops } = useGetList('shops', { sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 100 } });
  const [shopId, setShopId] = useState('');
  const [tables, setTables] = useState('');
  const shop = shops?.find((candidate) => candidate.id === shopId) ?? shops?.[0];
  const { data: products } = useGetList(
    'products',
    { sort: { field: 'title', order: 'ASC' }, pagination: { page: 1, perPage: 24 }, filter: shop ? { shopId: shop.id } : {} },
    { enabled: Boolean(shop) },
  );
  if (!shop) return <Title title={translate('minishop.qr.title')} />;

  const codes: SheetCode[] = [
    { key: 'shop', path: `shops/${shop.id}.svg`, caption: shop.name, instruction: translate('minishop.qr.scan_to_shop') },
    ...(products ?? []).map((product) => ({ key: product.id, path: `products/${product.id}.svg`, caption: `${shop.name} · ${product.title}`, instruction: translate('minishop.qr.scan_to_buy') })),
    ...tables
      .split(',')
      .map((table) => table.trim())
      .filter(Boolean)
      .map((table) => ({ key: `table-${table}`, path: `shops/${shop.id}/tables/${encodeURIComponent(table)}.svg`, caption: `${shop.name} · ${table}`, instruction: translate('minishop.qr.scan_to_order', { table }) })),
  ];

  return (
    <div>
      <Title title={translate('minishop.qr.title')} />
      <style>{PRINT_STYLE}</style>
      <Stack direction="row" spacing={2} className="qr-sheet-controls" sx={{ my: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField select label={translate('minishop.counter.shop')} value={shop.id} onChange={(event) => setShopId(event.target.value)} sx={{ minWidth: 200 }}>
          {(shops ?? []).map((candidate) => (
            <MenuItem key={candidate.id} value={candidate.id}>
              {candidate.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField label={translate('minishop.qr.tables')} value={tables} onChange={(event) => setTables(event.target.value)} />
        <Button variant="contained" startIcon={<PrintIcon />} onClick={() => window.print()}>
          {translate('minishop.qr.print')}
        </Button>
      </Stack>
      <section id="qr-sheet" aria-label={translate('minishop.qr.title')}>
        {codes.map((code) => (
          <figure key={code.key}>
            <QrImage path={code.path} alt={code.caption} />
            <figcaption>
              <strong>{code.caption}</strong>
              <span>{code.instruction}</span>
            </figcaption>
          </figure>
        ))}
      </section>
    </div>
  );
}
