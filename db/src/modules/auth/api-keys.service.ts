import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { UnauthorizedError } from '../../errors.ts';
import { hashSecret } from '../../secrets.ts';
import type { StaffRole } from '../staff/membership.entity.ts';

/** Every merchant API key starts with this, so the API can tell keys from access tokens at a glance. */
export const API_KEY_PREFIX = 'msk_';

export class ApiKeysService {
  constructor(private readonly database: Database) {}

  /** The actor an API key acts as; a revoked or unknown key is a 401. */
  async authenticate(secret: string): Promise<MerchantActor> {
    const result = await this.database.pool.query<{ id: string; merchant_id: string; role: StaffRole }>(
      `update api_key set last_used_at = now()
        where secret_hash = $1 and revoked_at is null
        returning id, merchant_id, role`,
      [hashSecret(secret)],
    );
    const key = result.rows[0];
    if (!key) throw new UnauthorizedError('invalid_api_key', 'The API key is unknown or has been revoked.');
    return { type: 'api_key', apiKeyId: key.id, merchantId: key.merchant_id, role: key.role };
  }
}
