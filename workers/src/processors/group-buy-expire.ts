import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** A group-buy team whose window closed first: every hold voided and its stock released, exactly once whoever runs it (GroupBuysService.expireTeam). */
export const groupBuyExpire: Processor<JobPayload<'group_buy.expire'>> = async (payload, { services }) => services.groupBuys.expireTeam(payload.teamId);
