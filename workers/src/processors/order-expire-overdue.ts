import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every 5 s: orders still unpaid after their payment window are cancelled and their stock released. */
export const orderExpireOverdue: Processor<JobPayload<'order.expire_overdue'>> = async (_payload, { services }) => services.orders.expireOverdue(new Date());
