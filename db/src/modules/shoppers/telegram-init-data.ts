import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Telegram Mini Apps `initData` verification, as Telegram documents it
 * (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
 * data_check_string = every field but `hash`, as `key=value`, sorted by key, joined by "\n";
 * secret_key = HMAC_SHA256(key = "WebAppData", message = bot_token);
 * hash = hex(HMAC_SHA256(key = secret_key, message = data_check_string)).
 * Done on node:crypto rather than @telegram-apps/init-data-node: the algorithm is these few lines, and the
 * library would bring three packages for it.
 */
export type TelegramInitDataFailure = 'malformed' | 'signature' | 'expired' | 'user_missing';

export class TelegramInitDataError extends Error {
  override name = 'TelegramInitDataError';
  constructor(readonly failure: TelegramInitDataFailure) {
    super(`Telegram initData verification failed: ${failure}`);
  }
}

export interface TelegramUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

export interface VerifiedTelegramInitData {
  user: TelegramUser;
  authDateSeconds: number;
}

/** How far in the future an auth_date may lie before it is not believed (clock skew). */
const FUTURE_TOLERANCE_SECONDS = 60;

export function telegramSecretKey(botToken: string): Buffer {
  return createHmac('sha256', 'WebAppData').update(botToken).digest();
}

export function telegramDataCheckString(fields: URLSearchParams): string {
  return [...fields.entries()]
    .filter(([key]) => key !== 'hash')
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function parseUser(text: string | null): TelegramUser {
  if (!text) throw new TelegramInitDataError('user_missing');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TelegramInitDataError('malformed');
  }
  const user = raw as Record<string, unknown> | null;
  if (!user || typeof user !== 'object' || !Number.isSafeInteger(user.id)) throw new TelegramInitDataError('user_missing');
  const optionalString = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  return {
    id: user.id as number,
    firstName: typeof user.first_name === 'string' ? user.first_name : '',
    lastName: optionalString(user.last_name),
    username: optionalString(user.username),
    languageCode: optionalString(user.language_code),
  };
}

export function verifyTelegramInitData(
  initData: string,
  botToken: string,
  options: { maxAgeSeconds: number; nowSeconds: number },
): VerifiedTelegramInitData {
  const fields = new URLSearchParams(initData);
  const hash = fields.get('hash');
  const authDate = fields.get('auth_date');
  if (!hash || !/^[0-9a-f]{64}$/.test(hash) || !authDate || !/^\d{1,12}$/.test(authDate)) throw new TelegramInitDataError('malformed');

  const expected = createHmac('sha256', telegramSecretKey(botToken)).update(telegramDataCheckString(fields)).digest();
  if (!timingSafeEqual(Buffer.from(hash, 'hex'), expected)) throw new TelegramInitDataError('signature');

  const authDateSeconds = Number(authDate);
  if (options.nowSeconds - authDateSeconds > options.maxAgeSeconds) throw new TelegramInitDataError('expired');
  if (authDateSeconds - options.nowSeconds > FUTURE_TOLERANCE_SECONDS) throw new TelegramInitDataError('malformed');
  return { user: parseUser(fields.get('user')), authDateSeconds };
}
