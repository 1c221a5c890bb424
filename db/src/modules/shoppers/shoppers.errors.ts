import { BusinessRuleError, ForbiddenError, UnauthorizedError } from '../../errors.ts';

/** Every refused identity proof is a 401 with a code that says which check failed. */
export class ProviderDisabledError extends BusinessRuleError {
  constructor(provider: string) {
    super('provider_disabled', `Sign-in with ${provider} is not enabled on this platform.`, { provider: 'is not enabled' });
  }
}

export const TELEGRAM_ERROR_CODES = {
  malformed: 'telegram_init_data_malformed',
  signature: 'telegram_signature_invalid',
  expired: 'telegram_init_data_expired',
  user_missing: 'telegram_user_missing',
} as const;

export class TelegramProofError extends UnauthorizedError {
  constructor(failure: keyof typeof TELEGRAM_ERROR_CODES) {
    const messages: Record<keyof typeof TELEGRAM_ERROR_CODES, string> = {
      malformed: 'The Telegram initData is not in the expected form.',
      signature: 'The Telegram initData is not signed by this platform\'s bot (tampered, or another bot).',
      expired: 'The Telegram initData is too old; reopen the Mini App.',
      user_missing: 'The Telegram initData names no user.',
    };
    super(TELEGRAM_ERROR_CODES[failure], messages[failure]);
  }
}

export class ChatHostUnknownError extends UnauthorizedError {
  constructor() {
    super('chat_host_unknown', 'No chat host with that id.');
  }
}

export class ChatHostSuspendedError extends UnauthorizedError {
  constructor() {
    super('chat_host_suspended', 'This chat host is suspended; its tokens are not accepted.');
  }
}

export class HostTokenInvalidError extends UnauthorizedError {
  constructor(detail: string) {
    super('host_token_invalid', `The host token is invalid: ${detail}.`);
  }
}

export class HostTokenExpiredError extends UnauthorizedError {
  constructor() {
    super('host_token_expired', 'The host token has expired; ask the chat for a fresh one.');
  }
}

export class ShopperTokenInvalidError extends UnauthorizedError {
  constructor() {
    super('invalid_shopper_token', 'The shopper session is invalid or has expired; start a new one (POST /api/store/sessions).');
  }
}

/** A chat-group proof that does not hold (docs/social.md §2): 403, nothing changes. */
export class GroupProofError extends ForbiddenError {
  constructor(reason: string) {
    super('group_proof_invalid', `The group proof is not accepted: ${reason}.`);
  }
}
