import { RetryAfterError } from '../../queues/retry-after.ts';
import type { ChatAdapter, ChatMessage, ChatSendResult } from './chat-adapter.ts';

interface BotApiAnswer {
  ok: boolean;
  result?: { message_id?: number };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

/**
 * Telegram Bot API `sendMessage` (https://core.telegram.org/bots/api#sendmessage) to the shopper's user
 * id, which is also their private chat's id with the bot. The base URL is configurable so the tests
 * point it at a local stand-in (db/src/testing/telegram-bot-api/).
 */
export class TelegramAdapter implements ChatAdapter {
  readonly channel = 'telegram';

  constructor(private readonly options: { apiUrl: string; botToken: string; timeoutMs: number }) {}

  async send(message: ChatMessage): Promise<ChatSendResult> {
    let response: Response;
    try {
      response = await fetch(`${this.options.apiUrl}/bot${this.options.botToken}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: message.recipient, text: message.text, link_preview_options: { is_disabled: true } }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      // The token is part of the URL: never let it into an error message that reaches the logs.
      throw new Error(`Telegram Bot API unreachable: ${error instanceof Error ? error.name : 'error'}`);
    }
    const answer = (await response.json().catch(() => ({ ok: false, error_code: response.status, description: 'not a Bot API answer' }))) as BotApiAnswer;
    if (answer.ok) return { outcome: 'sent', externalId: answer.result?.message_id === undefined ? null : String(answer.result.message_id) };
    const code = answer.error_code ?? response.status;
    const description = `${code} ${answer.description ?? ''}`.trim();
    if (code === 429) {
      const seconds = answer.parameters?.retry_after ?? Number(response.headers.get('retry-after') ?? 1);
      throw new RetryAfterError(`Telegram asked to retry after ${seconds} s`, Math.max(1, seconds) * 1_000);
    }
    // 400 (chat not found), 403 (bot blocked by the user): the same message will never pass.
    if (code === 400 || code === 403) return { outcome: 'rejected', error: description };
    throw new Error(`Telegram Bot API answered ${description}`);
  }
}
