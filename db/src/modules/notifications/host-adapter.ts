import { RetryAfterError } from '../../queues/retry-after.ts';
import { postSigned } from '../webhooks/signed-post.ts';
import type { ChatAdapter, ChatMessage, ChatSendResult } from './chat-adapter.ts';

/**
 * Any host chat: a JSON POST to the host's notification URL, signed like merchants' webhooks
 * (Minishop-Signature with the host's notification secret), that the host shows its user.
 */
export class HostAdapter implements ChatAdapter {
  readonly channel = 'host';

  constructor(private readonly options: { url: string; secret: string; timeoutMs: number }) {}

  async send(message: ChatMessage): Promise<ChatSendResult> {
    const body = JSON.stringify({
      id: message.notificationId,
      eventId: message.eventId,
      kind: message.kind,
      recipient: message.recipient,
      language: message.language,
      text: message.text,
      order: { id: message.orderId, number: message.orderNumber },
    });
    const outcome = await postSigned(this.options.url, body, this.options.secret, {
      timeoutMs: this.options.timeoutMs,
      headers: { 'Minishop-Notification-Id': message.notificationId },
    });
    if (outcome.succeeded) return { outcome: 'sent', externalId: null };
    const status = outcome.statusCode;
    if (status === 429 && outcome.retryAfterSeconds) throw new RetryAfterError(`host asked to retry after ${outcome.retryAfterSeconds} s`, outcome.retryAfterSeconds * 1_000);
    // 4xx but 408/429: the host refuses this message for good.
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) return { outcome: 'rejected', error: `answered ${status}` };
    throw new Error(outcome.error ?? `host answered ${status}`);
  }
}
