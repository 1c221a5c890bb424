/** The store API as the panel uses it: a shopper session and JSON requests with a clear error. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field name -> message, from a 400's `errors`. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export interface Identity {
  /** Telegram Mini App initData, a host chat's signed token, or a guest device id. */
  provider: 'telegram' | 'host' | 'guest';
  initData?: string;
  hostId?: string;
  token?: string;
  deviceId?: string;
}

/** A chat group as the host proves it (docs/social.md §2): a host-signed group claim or Telegram's initData. */
export type GroupProof = { provider: 'host'; hostId: string; token: string } | { provider: 'telegram'; initData: string };

const DEVICE_KEY = 'minishop:device-id';

/** A guest's device id, kept in this origin's storage so the same browser finds its cart again. */
export function guestIdentity(): Identity {
  let deviceId: string | null = null;
  try {
    deviceId = localStorage.getItem(DEVICE_KEY);
  } catch {
    // Storage can be refused (private mode, sandboxed frames): a session-long guest is still a guest.
  }
  if (!deviceId) {
    deviceId = Array.from(crypto.getRandomValues(new Uint8Array(18)), (byte) => byte.toString(16).padStart(2, '0')).join('');
    try {
      localStorage.setItem(DEVICE_KEY, deviceId);
    } catch {
      // see above
    }
  }
  return { provider: 'guest', deviceId };
}

export class StoreApi {
  private token: string | null = null;
  private signingIn: Promise<string> | null = null;

  constructor(
    readonly base: string,
    private identity: Identity,
    /** Responses the loader started fetching while the panel downloaded, by path; each is used once. */
    private readonly prefetched: Record<string, Promise<Response>> = {},
  ) {}

  /** The shopper's session token (GET /ws authenticates with it). */
  accessToken(): Promise<string> {
    return this.session();
  }

  /** One sign-in shared by every request that needs it. */
  private session(): Promise<string> {
    if (this.token) return Promise.resolve(this.token);
    this.signingIn ??= this.request<{ accessToken: string }>('POST', '/api/store/sessions', this.identity, false).then(
      (answer) => (this.token = answer.accessToken),
      (error: unknown) => {
        this.signingIn = null;
        throw error;
      },
    );
    return this.signingIn;
  }

  async request<T>(method: string, path: string, body?: unknown, signedIn = true, headers: Record<string, string> = {}): Promise<T> {
    const allHeaders: Record<string, string> = { ...headers };
    if (body !== undefined) allHeaders['content-type'] = 'application/json';
    if (signedIn) allHeaders.authorization = `Bearer ${await this.session()}`;
    const early = method === 'GET' && !signedIn ? this.prefetched[path] : undefined;
    delete this.prefetched[path];
    const response = await (early ?? fetch(this.base + path, { method, headers: allHeaders, body: body === undefined ? null : JSON.stringify(body) }));
    const text = await response.text();
    const answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const errors = answer.errors as Record<string, string> | undefined;
      const [firstField] = Object.entries(errors ?? {});
      const message = firstField ? `${firstField[0]}: ${firstField[1]}` : (answer.message as string) || response.statusText;
      throw new ApiError(response.status, (answer.code as string) || 'error', message, errors ?? (answer.fields as Record<string, string> | undefined));
    }
    return answer as T;
  }

  /** A signed-in GET of a non-JSON answer (a QR code's SVG). */
  async text(path: string): Promise<string> {
    const response = await fetch(this.base + path, { headers: { authorization: `Bearer ${await this.session()}` } });
    if (!response.ok) throw new ApiError(response.status, 'error', response.statusText);
    return response.text();
  }

  get<T>(path: string, signedIn = false): Promise<T> {
    return this.request<T>('GET', path, undefined, signedIn);
  }
}
