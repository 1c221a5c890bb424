import type { Config } from '../../config.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname.endsWith('.localhost');
}

/**
 * Why a URL cannot receive webhooks or notifications, or null when it can. https is required; plain
 * http only reaches a loopback address outside production, for local development and the tests.
 */
export function callbackUrlProblem(text: string, environment: Config['environment']): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not carry a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'must use https';
  if (environment !== 'production' && isLoopback(url.hostname)) return null;
  return environment === 'production' ? 'must use https' : 'must use https (plain http is accepted for loopback addresses only)';
}
