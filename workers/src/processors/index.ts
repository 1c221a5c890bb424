import type { JOBS } from '../../../db/src/queues/registry.ts';
import type { Processors } from '../processor.ts';
import { authPurgeExpired } from './auth-purge-expired.ts';
import { jobsSweepDue } from './jobs-sweep-due.ts';
import { carrierProcessEvent, carrierProcessPending } from './carrier-events.ts';
import { notificationSend } from './notification-send.ts';
import { notificationSweepMissing } from './notification-sweep-missing.ts';
import { ledgerExpirePending } from './ledger-expire-pending.ts';
import { ledgerSeal } from './ledger-seal.ts';
import { moneySweepStale } from './money-sweep-stale.ts';
import { ledgerSnapshotBalances } from './ledger-snapshot-balances.ts';
import { ledgerVerify } from './ledger-verify.ts';
import { ledgerVerifySweep } from './ledger-verify-sweep.ts';
import { orderAutoConfirm } from './order-auto-confirm.ts';
import { orderCardRefund } from './order-card-refund.ts';
import { orderSettle } from './order-settle.ts';
import { orderExpireOverdue } from './order-expire-overdue.ts';
import { redEnvelopeReturn } from './red-envelope-return.ts';
import { groupBuyExpire } from './group-buy-expire.ts';
import { outboxPurgePublished } from './outbox-purge-published.ts';
import { paymentCodeExpireOverdue } from './payment-code-expire-overdue.ts';
import { webhookDeliver } from './webhook-deliver.ts';
import { webhookFanOut } from './webhook-fan-out.ts';
import { webhookSweepDue } from './webhook-sweep-due.ts';

/** Every job name of the registry with its processor; the workers refuse to boot if one is missing. */
export const processors: Processors<typeof JOBS> = {
  'auth.purge_expired': authPurgeExpired,
  'order.expire_overdue': orderExpireOverdue,
  'order.card_refund': orderCardRefund,
  'order.auto_confirm': orderAutoConfirm,
  'order.settle': orderSettle,
  'red_envelope.return': redEnvelopeReturn,
  'group_buy.expire': groupBuyExpire,
  'jobs.sweep_due': jobsSweepDue,
  'carrier.process_event': carrierProcessEvent,
  'carrier.process_pending': carrierProcessPending,
  'ledger.expire_pending': ledgerExpirePending,
  'ledger.seal': ledgerSeal,
  'money.sweep_stale': moneySweepStale,
  'ledger.verify': ledgerVerify,
  'ledger.verify_sweep': ledgerVerifySweep,
  'ledger.snapshot_balances': ledgerSnapshotBalances,
  'outbox.purge_published': outboxPurgePublished,
  'payment_code.expire_overdue': paymentCodeExpireOverdue,
  'webhook.fan_out': webhookFanOut,
  'webhook.deliver': webhookDeliver,
  'webhook.sweep_due': webhookSweepDue,
  'notification.send': notificationSend,
  'notification.sweep_missing': notificationSweepMissing,
};
