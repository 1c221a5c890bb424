import { API_URL } from '../api/dataProvider.ts';
import { authorizedFetch } from '../api/session.ts';

/** A date input's value (YYYY-MM-DD) as the start of that day in UTC, the server's period bounds. */
export function dayToIso(day: string | undefined | null): string | null {
  return day ? new Date(`${day}T00:00:00.000Z`).toISOString() : null;
}

/** The day (YYYY-MM-DD) of an ISO timestamp, for a date input showing a period bound. */
export function isoToDay(iso: string | undefined | null): string {
  return iso ? iso.slice(0, 10) : '';
}

/**
 * Saves one of the server's streaming exports (GET /api/admin/<path>) as a file: the bearer token
 * needs fetch, so the body becomes a blob and a link clicks it. Never react-admin's exporter, which
 * stops at the rows one page fetched.
 */
export async function downloadExport(path: string, query: Record<string, string | null | undefined>, fallbackFilename: string): Promise<void> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const response = await authorizedFetch(`${API_URL}/${path}?${search}`, { headers: { Accept: 'text/csv' } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `HTTP ${response.status}`);
  }
  const filename = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackFilename;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
