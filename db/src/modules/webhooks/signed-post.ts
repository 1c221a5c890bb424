import { signatureHeader, SIGNATURE_HEADER } from './webhook-signature.ts';

/** The most of a response body kept in the log: enough to read an error page, not a whole download. */
export const RESPONSE_EXCERPT_CHARACTERS = 1_000;
const RESPONSE_READ_LIMIT_BYTES = 8_192;

export interface SignedPostOutcome {
  succeeded: boolean;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  /** Seconds from a Retry-After header, when the receiver sent one. */
  retryAfterSeconds: number | null;
}

/** Reads at most a few KB of a response: a receiver cannot make us buffer an endless body. */
async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_READ_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_EXCERPT_CHARACTERS);
}

/**
 * POSTs a JSON body signed with `secret` (Minishop-Signature), with a hard time limit and without
 * following redirects (a 3xx is a failure: the signature was made for this URL). Never throws: network
 * errors and timeouts come back as an outcome to record.
 */
export async function postSigned(url: string, body: string, secret: string, options: { timeoutMs: number; headers?: Record<string, string>; now?: () => number }): Promise<SignedPostOutcome> {
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Minishop-Webhooks/1.0',
        ...options.headers,
        [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(startedAtMs / 1000)),
      },
    });
    const responseExcerpt = await readExcerpt(response);
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      succeeded: response.status >= 200 && response.status < 300,
      statusCode: response.status,
      latencyMs: now() - startedAtMs,
      responseExcerpt,
      error: null,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      succeeded: false,
      statusCode: null,
      latencyMs: now() - startedAtMs,
      responseExcerpt: null,
      error: timedOut ? `timed out after ${options.timeoutMs} ms` : `${error instanceof Error ? error.message : String(error)}${cause}`.slice(0, 500),
      retryAfterSeconds: null,
    };
  }
}
