import type { JOBS } from '../../../db/src/queues/registry.ts';
import type { Processors } from '../processor.ts';
import { authPurgeExpired } from './auth-purge-expired.ts';
import { notificationSend } from './notification-send.ts';
import { notificationSweepMissing } from './notification-sweep-missing.ts';
import { ledgerExpirePending } from './ledger-expire-pending.ts';
import { orderCardRefund } from './order-card-refund.ts';
import { orderExpireOverdue } from './order-expire-overdue.ts';
import { orderTimeout } from './order-timeout.ts';
import { outboxPurgePublished } from './outbox-purge-published.ts';
import { paymentCodeExpireOverdue } from './payment-code-expire-overdue.ts';
import { webhookDeliver } from './webhook-deliver.ts';
import { webhookFanOut } from './webhook-fan-out.ts';
import { webhookSweepDue } from './webhook-sweep-due.ts';

/** Every job name of the registry with its processor; the workers refuse to boot if one is missing. */
export const processors: Processors<typeof JOBS> = {
  'auth.purge_expired': authPurgeExpired,
  'order.timeout': orderTimeout,
  'order.expire_overdue': orderExpireOverdue,
  'order.card_refund': orderCardRefund,
  'ledger.expire_pending': ledgerExpirePending,
  'outbox.purge_published': outboxPurgePublished,
  'payment_code.expire_overdue': paymentCodeExpireOverdue,
  'webhook.fan_out': webhookFanOut,
  'webhook.deliver': webhookDeliver,
  'webhook.sweep_due': webhookSweepDue,
  'notification.send': notificationSend,
  'notification.sweep_missing': notificationSweepMissing,
};
