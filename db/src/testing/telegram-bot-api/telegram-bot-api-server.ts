import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the stand-in accepted, as Telegram would have shown it in the chat. */
export interface SentMessage {
  messageId: number;
  chatId: number;
  text: string;
  receivedAtMs: number;
}

/** A request that reached the stand-in, accepted or not (for asserting on retries and their timing). */
export interface BotApiRequest {
  method: string;
  chatId: unknown;
  status: number;
  receivedAtMs: number;
}

/**
 * A small local stand-in of the Telegram Bot API (https://core.telegram.org/bots/api) for the tests: it
 * speaks the real shapes: `POST /bot<token>/<method>` with a JSON (or form) body, answered with
 * `{ok: true, result}` or `{ok: false, error_code, description, parameters?}` and the same HTTP status.
 * Only `sendMessage` and `getMe` are implemented. A chat exists once the test says its user started the
 * bot; a test can make the next calls answer 429 with `retry_after`, or a user block the bot.
 */
export class TelegramBotApiServer {
  readonly messages: SentMessage[] = [];
  readonly requests: BotApiRequest[] = [];
  private readonly chats = new Map<number, { firstName: string; blocked: boolean }>();
  private rateLimited: { remaining: number; retryAfterSeconds: number } = { remaining: 0, retryAfterSeconds: 0 };
  private nextMessageId = 1;
  private server: Server | null = null;
  private port = 0;

  constructor(
    readonly botToken: string,
    private readonly bot = { id: Number(botToken.split(':')[0]), firstName: 'Minishop', username: 'minishop_test_bot' },
  ) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, Buffer.concat(chunks).toString('utf8'), response));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** What TELEGRAM_API_URL should be: the stand-in's origin, like `https://api.telegram.org`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The user pressed Start: the bot may now write to their private chat (whose id is the user id). */
  userStartedBot(userId: number, firstName = 'Shopper'): void {
    this.chats.set(userId, { firstName, blocked: false });
  }

  userBlockedBot(userId: number): void {
    const chat = this.chats.get(userId);
    if (chat) chat.blocked = true;
  }

  /** The next `count` calls answer 429 Too Many Requests with `retry_after`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void {
    this.rateLimited = { remaining: count, retryAfterSeconds };
  }

  messagesTo(chatId: number): SentMessage[] {
    return this.messages.filter((message) => message.chatId === chatId);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  private handle(request: IncomingMessage, text: string, response: ServerResponse): void {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((request.url ?? '').split('?')[0] ?? '');
    const reply = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const fail = (status: number, description: string, parameters?: object) => {
      this.requests.push({ method: match?.[2] ?? '', chatId: null, status, receivedAtMs: Date.now() });
      reply(status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });
    };
    if (!match) return fail(404, 'Not Found');
    if (match[1] !== this.botToken) return fail(401, 'Unauthorized');
    const method = match[2] as string;
    const parameters = this.parameters(request, text);
    if (parameters === null) return fail(400, "Bad Request: can't parse JSON object");

    if (method === 'getMe') {
      return reply(200, { ok: true, result: { id: this.bot.id, is_bot: true, first_name: this.bot.firstName, username: this.bot.username } });
    }
    if (method !== 'sendMessage') return fail(404, 'Not Found');

    const receivedAtMs = Date.now();
    const record = (status: number) => this.requests.push({ method, chatId: parameters.chat_id, status, receivedAtMs });
    if (this.rateLimited.remaining > 0) {
      this.rateLimited.remaining -= 1;
      const seconds = this.rateLimited.retryAfterSeconds;
      record(429);
      return reply(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${seconds}`, parameters: { retry_after: seconds } });
    }
    const chatId = Number(parameters.chat_id);
    const messageText = typeof parameters.text === 'string' ? parameters.text : '';
    const chat = Number.isSafeInteger(chatId) ? this.chats.get(chatId) : undefined;
    let refusal: [number, string] | null = null;
    if (parameters.chat_id === undefined) refusal = [400, 'Bad Request: chat_id is empty'];
    else if (!messageText.trim()) refusal = [400, 'Bad Request: message text is empty'];
    else if ([...messageText].length > 4096) refusal = [400, 'Bad Request: message is too long'];
    else if (!chat) refusal = [400, 'Bad Request: chat not found'];
    else if (chat.blocked) refusal = [403, 'Forbidden: bot was blocked by the user'];
    if (refusal) {
      record(refusal[0]);
      return reply(refusal[0], { ok: false, error_code: refusal[0], description: refusal[1] });
    }
    record(200);
    const message: SentMessage = { messageId: this.nextMessageId++, chatId, text: messageText, receivedAtMs };
    this.messages.push(message);
    reply(200, {
      ok: true,
      result: {
        message_id: message.messageId,
        from: { id: this.bot.id, is_bot: true, first_name: this.bot.firstName, username: this.bot.username },
        chat: { id: chatId, first_name: chat!.firstName, type: 'private' },
        date: Math.floor(receivedAtMs / 1000),
        text: messageText,
      },
    });
  }

  /** The Bot API takes JSON, form-urlencoded or query parameters; the adapter sends JSON. */
  private parameters(request: IncomingMessage, text: string): Record<string, unknown> | null {
    const type = request.headers['content-type'] ?? '';
    if (type.startsWith('application/json')) {
      try {
        const parsed = JSON.parse(text || '{}');
        return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
      } catch {
        return null;
      }
    }
    const query = new URL(request.url ?? '/', 'http://stand-in').searchParams;
    return Object.fromEntries([...query, ...new URLSearchParams(text)]);
  }
}
