import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** The unclaimed rest of an expired red envelope goes back to its sender, exactly once whoever runs it (RedEnvelopesService.returnUnclaimed). */
export const redEnvelopeReturn: Processor<JobPayload<'red_envelope.return'>> = async (payload, { services }) => services.redEnvelopes.returnUnclaimed(payload.envelopeId);
