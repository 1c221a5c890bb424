/**
 * The token inside what a scanner read. Order codes are printed as `${PUBLIC_URL}/s/<token>` links so
 * that a phone camera opens something; the widget may send the link as read. Any other text is taken
 * as the token itself, and a foreign link then fails verification as a tampered code.
 */
export function tokenFromScan(scanned: string, publicUrl: string): string {
  const text = scanned.trim();
  const prefix = `${publicUrl}/s/`;
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
