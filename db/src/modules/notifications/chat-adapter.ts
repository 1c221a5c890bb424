/** What a chat adapter answers for one message. */
export type ChatSendResult =
  | { outcome: 'sent'; externalId: string | null }
  /** The chat refused for good (the user blocked the bot, the chat does not exist): retrying is pointless. */
  | { outcome: 'rejected'; error: string };

/**
 * Sends one short message to a shopper in a host chat. A temporary failure (network, 5xx, rate limit)
 * throws: the job retries it, a RetryAfterError after the wait the chat asked for.
 */
export interface ChatAdapter {
  readonly channel: 'telegram' | 'host';
  send(message: ChatMessage): Promise<ChatSendResult>;
}

export interface ChatMessage {
  notificationId: string;
  eventId: string;
  kind: string;
  shopperId: string;
  /** The shopper's id in that chat: the Telegram user id, or the host's `sub`. */
  recipient: string;
  language: string;
  text: string;
  orderId: string;
  orderNumber: number | null;
}
