import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every 15 s: counter charges still awaiting the shopper's confirmation after their window give the held money back. */
export const paymentCodeExpireOverdue: Processor<JobPayload<'payment_code.expire_overdue'>> = async (_payload, { services }) =>
  services.paymentCodeCharges.expireOverdue(new Date());
