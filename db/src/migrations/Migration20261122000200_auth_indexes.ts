import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the auth and staff paths: ending a person's or a whole merchant's sessions, finding a
 * pending invitation by email, and purging expired invitations.
 */
export class Migration20261122000200_auth_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index refresh_token_merchant_id_user_id_index on refresh_token (merchant_id, user_id) where revoked_at is null;`);
    this.addSql(`create index invitation_merchant_id_email_index on invitation (merchant_id, email);`);
    this.addSql(`create index invitation_expires_at_index on invitation (expires_at) where accepted_at is null;`);
  }
}
