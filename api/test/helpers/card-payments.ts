import type { FastifyInstance } from 'fastify';
import { startFakeStripeServer, type FakeStripeServer } from '../../../db/src/testing/stripe-server/stripe-server.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { sealBeforeRead } from '../../../db/src/modules/ledger/ledger-sealer.ts';

export interface StripeTestApp {
  stripe: FakeStripeServer;
  testApp: TestApp;
  /** Where the fake Stripe delivers webhooks: the app listening on loopback. */
  webhookUrl: string;
  close(): Promise<void>;
}

/** The API on a real port, with the real Stripe SDK pointed at the fake Stripe on loopback. */
export async function buildStripeTestApp(overrides: Parameters<typeof buildTestApp>[0] = {}): Promise<StripeTestApp> {
  const stripe = await startFakeStripeServer();
  const testApp = await buildTestApp({ STRIPE_API_URL: stripe.url, ...overrides });
  const base = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    stripe,
    testApp,
    webhookUrl: `${base}/api/webhooks/stripe`,
    async close() {
      await testApp.close();
      await stripe.close();
    },
  };
}

export interface LedgerLeg {
  id: string;
  kind: string;
  reason: string;
  amountMinor: number;
  /** The kinds of the accounts, e.g. `card_clearing -> escrow`. */
  direction: string;
  correctsId: string | null;
  pendingId: string | null;
}

/** Every ledger transfer about one business record, oldest first. */
export async function ledgerLegs(app: FastifyInstance, referenceId: string): Promise<LedgerLeg[]> {
  // In chain order, as the product's readers do: sealed first (a payment's seal lingers a few milliseconds).
  await sealBeforeRead(app.database.pool);
  const { rows } = await app.database.pool.query<LedgerLeg>(
    `select transfer.id, transfer.kind, transfer.reason, transfer.amount_minor as "amountMinor", debit.kind || ' -> ' || credit.kind as direction,
            transfer.corrects_id as "correctsId", transfer.pending_id as "pendingId"
       from ledger_transfer transfer
       join ledger_account debit on debit.id = transfer.debit_account_id
       join ledger_account credit on credit.id = transfer.credit_account_id
      where transfer.reference_id = $1
      order by transfer.sequence`,
    [referenceId],
  );
  return rows;
}

export async function outboxTypes(app: FastifyInstance, aggregateId: string): Promise<string[]> {
  const { rows } = await app.database.pool.query<{ type: string }>('select type from outbox where aggregate_id = $1 order by sequence', [aggregateId]);
  return rows.map((row) => row.type);
}
