import { hmacKey, signJwt } from '../../db/src/json-web-tokens.ts';
import { ChatHostsService } from '../../db/src/modules/shoppers/chat-hosts.service.ts';
import type { TestEnvironment } from '../../db/src/testing/databases.ts';
import { WebhookReceiver } from '../../db/src/testing/webhook-receiver.ts';

const NOTIFY_PATH = '/notify';

/**
 * A host chat for a benchmark's shoppers, as an operator registers one (`POST /api/admin/operator/chat-hosts`
 * calls the same service): it vouches for each shopper with an HS256 token signed by its secret, and takes their
 * notifications at an endpoint of the benchmark's own process on loopback, which answers 200 as a chat's would.
 * Its shoppers are ones a chat reaches, so each paid order also sends a message (docs/notifications.md).
 */
export async function startBenchChatHost(environment: TestEnvironment): Promise<{
  /** The body of `POST /api/store/sessions` that signs in the chat's user `subject`. */
  sessionBody(subject: string): Promise<Record<string, unknown>>;
  /** Notifications the chat has received so far. */
  messagesReceived(): number;
  close(): Promise<void>;
}> {
  const receiver = await new WebhookReceiver().start();
  const host = await new ChatHostsService(environment.database, environment.config).create(
    { type: 'system', process: 'bench' },
    { name: 'Benchmark chat', notificationUrl: receiver.url(NOTIFY_PATH) },
  );
  return {
    async sessionBody(subject) {
      const token = await signJwt({ name: 'Bench shopper' }, hmacKey(host.secret), { nowSeconds: Math.floor(Date.now() / 1000), expiresInSeconds: 600, subject });
      return { provider: 'host', hostId: host.id, token };
    },
    messagesReceived: () => receiver.requestsTo(NOTIFY_PATH).length,
    close: () => receiver.close(),
  };
}
