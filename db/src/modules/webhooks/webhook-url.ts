import { isIP } from 'node:net';
import type { Config } from '../../config.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname.endsWith('.localhost');
}

/**
 * An address literal of this machine or a private network: a production server must not let a merchant
 * point it at its own neighbours (names that resolve there are the network's firewall's to stop).
 */
function isInternalAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(host) === 6) return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  return false;
}

/**
 * Why a URL cannot receive webhooks or notifications, or null when it can. https is required; plain
 * http only reaches a loopback address outside production, for local development and the tests. In
 * production, address literals of loopback and private networks are refused.
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
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (environment === 'production' && isInternalAddress(url.hostname)) return 'must not point at a loopback or private network address';
  if (url.protocol === 'https:') return null;
  if (environment !== 'production' && isLoopback(url.hostname)) return null;
  return environment === 'production' ? 'must use https' : 'must use https (plain http is accepted for loopback addresses only)';
}
