import { BusinessRuleError, ConflictError, NotFoundError } from '../../errors.ts';

export class InvitationPendingError extends ConflictError {
  constructor() {
    super('invitation_pending', 'This email already has a pending invitation; revoke it to send a new one.', { email: 'already has a pending invitation' });
  }
}

/** An unknown token answers like an unknown record: nothing about other invitations leaks. */
export class InvitationTokenNotFoundError extends NotFoundError {
  constructor() {
    super('invitation');
  }
}

export class InvitationExpiredError extends BusinessRuleError {
  constructor() {
    super('invitation_expired', 'This invitation has expired; ask for a new one.', { token: 'has expired' });
  }
}

export class InvitationRevokedError extends BusinessRuleError {
  constructor() {
    super('invitation_revoked', 'This invitation was withdrawn; ask for a new one.', { token: 'was revoked' });
  }
}

export class InvitationAlreadyAcceptedError extends BusinessRuleError {
  constructor() {
    super('invitation_already_accepted', 'This invitation has already been accepted; sign in instead.', { token: 'was already accepted' });
  }
}
