import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramBotApiServer } from './telegram-bot-api-server.ts';

/** The stand-in answers in the Bot API's own shapes (https://core.telegram.org/bots/api#making-requests). */
const TOKEN = '7000002:AAH-stand-in-self-test-token-abcdef';
let server: TelegramBotApiServer;

beforeAll(async () => {
  server = await new TelegramBotApiServer(TOKEN).start();
  server.userStartedBot(4242, 'Ada');
});
afterAll(() => server?.close());

async function call(method: string, body: object, token = TOKEN) {
  const response = await fetch(`${server.url}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

describe('the Telegram Bot API stand-in', () => {
  it('answers sendMessage with {ok: true, result: Message}', async () => {
    const answer = await call('sendMessage', { chat_id: 4242, text: 'Hello' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: true,
      result: { message_id: 1, from: { id: 7000002, is_bot: true, first_name: 'Minishop', username: 'minishop_test_bot' }, chat: { id: 4242, first_name: 'Ada', type: 'private' }, date: expect.any(Number), text: 'Hello' },
    });
    expect(server.messagesTo(4242).map((message) => message.text)).toEqual(['Hello']);
  });

  it('refuses a wrong token, an unknown method, an unknown chat, an empty text and a blocked bot as Telegram does', async () => {
    expect(await call('sendMessage', { chat_id: 4242, text: 'x' }, '1:wrong')).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await call('sendPoll', { chat_id: 4242 })).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
    expect(await call('sendMessage', { chat_id: 1, text: 'x' })).toEqual({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
    expect(await call('sendMessage', { chat_id: 4242, text: ' ' })).toEqual({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } });
    server.userStartedBot(5151);
    server.userBlockedBot(5151);
    expect(await call('sendMessage', { chat_id: 5151, text: 'x' })).toEqual({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
  });

  it('answers 429 with parameters.retry_after when told to, then accepts again', async () => {
    server.rateLimitNext(1, 3);
    expect(await call('sendMessage', { chat_id: 4242, text: 'x' })).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    expect((await call('sendMessage', { chat_id: 4242, text: 'x' })).body.ok).toBe(true);
  });
});
