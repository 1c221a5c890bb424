/**
 * The signed-in staff session and the ONE way the console calls the API with it.
 *
 * Refresh tokens rotate with reuse detection (docs/architecture.md): presenting a refresh token twice
 * revokes the whole session. Ten requests that meet an expired access token at once must therefore share
 * ONE refresh: `refreshSession()` keeps a single in-flight promise that every caller awaits. react-admin's
 * `addRefreshAuthToAuthProvider` does not de-duplicate, which is why this is ours.
 */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, in ms since the epoch (refreshed a little before). */
  accessTokenExpiresAtMs: number;
  user: { id: string; email: string; name?: string | null };
  merchant: { id: string; name: string } | null;
  role: 'owner' | 'manager' | 'clerk' | 'finance' | null;
  isOperator: boolean;
}

interface SessionAnswer extends Omit<StoredSession, 'accessTokenExpiresAtMs'> {
  accessTokenExpiresInSeconds: number;
}

const STORAGE_KEY = 'minishop.session';
/** Refresh this long before the access token expires, so a request never leaves with a dying token. */
const EXPIRY_MARGIN_MS = 10_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; errors?: Record<string, string> } | null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

export function readSession(): StoredSession | null {
  const text = localStorage.getItem(STORAGE_KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as StoredSession;
  } catch {
    return null;
  }
}

export function storeSession(answer: SessionAnswer): StoredSession {
  const { accessTokenExpiresInSeconds, ...rest } = answer;
  const session: StoredSession = { ...rest, accessTokenExpiresAtMs: Date.now() + accessTokenExpiresInSeconds * 1000 };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  sessionListeners.forEach((listener) => listener(session));
  return session;
}

export function clearSession(): void {
  localStorage.removeItem(STORAGE_KEY);
  sessionListeners.forEach((listener) => listener(null));
}

const sessionListeners = new Set<(session: StoredSession | null) => void>();
/** The realtime socket re-authenticates with each new access token. */
export function onSessionChange(listener: (session: StoredSession | null) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed as T;
}

export async function login(email: string, password: string): Promise<StoredSession> {
  return storeSession(await postJson<SessionAnswer>('/api/auth/login', { email, password }));
}

/** Joins the merchant the invitation is from (a new account sets its name and password) and signs in. */
export async function acceptInvitation(token: string, password: string, name?: string): Promise<StoredSession> {
  return storeSession(await postJson<SessionAnswer>('/api/auth/invitations/accept', { token, password, ...(name ? { name } : {}) }));
}

export async function logout(): Promise<void> {
  const session = readSession();
  clearSession();
  if (session) await postJson('/api/auth/logout', { refreshToken: session.refreshToken }).catch(() => undefined);
}

let inFlightRefresh: Promise<StoredSession | null> | null = null;
/** Counts refreshes actually sent, for the console's own diagnostics (window.minishop). */
export const refreshStatistics = { sent: 0 };

/**
 * Exchanges the refresh token once, however many callers ask at the same time. A refused refresh ends
 * the session (null); the callers then send the user to the login page.
 */
export function refreshSession(): Promise<StoredSession | null> {
  if (inFlightRefresh) return inFlightRefresh;
  const session = readSession();
  if (!session) return Promise.resolve(null);
  refreshStatistics.sent += 1;
  inFlightRefresh = postJson<SessionAnswer>('/api/auth/refresh', { refreshToken: session.refreshToken })
    .then(storeSession)
    .catch((error: unknown) => {
      // Only a refusal ends the session; a network failure leaves it for the next attempt.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) clearSession();
      return null;
    })
    .finally(() => {
      inFlightRefresh = null;
    });
  return inFlightRefresh;
}

/** A fresh access token: the stored one, or the one a (shared) refresh brings. */
export async function freshAccessToken(): Promise<string | null> {
  const session = readSession();
  if (!session) return null;
  if (session.accessTokenExpiresAtMs - EXPIRY_MARGIN_MS > Date.now()) return session.accessToken;
  return (await refreshSession())?.accessToken ?? null;
}

/**
 * fetch() with the staff bearer token. A 401 with the token we sent means it expired or was revoked
 * early: refresh (shared) and retry once. A 401 with a token that has since been replaced by another
 * caller's refresh just retries with the new one.
 */
export async function authorizedFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const send = (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    return fetch(input, { ...init, headers });
  };
  const token = await freshAccessToken();
  const response = await send(token);
  if (response.status !== 401 || !token) return response;
  const current = readSession();
  const retryToken = current && current.accessToken !== token ? current.accessToken : (await refreshSession())?.accessToken;
  return retryToken ? send(retryToken) : response;
}

/** authorizedFetch for JSON: parses the answer and throws ApiError with the server's body on failure. */
export async function apiJson<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('Content-Type', 'application/json');
  const response = await authorizedFetch(url, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, body as ApiError['body']);
  return body as T;
}
