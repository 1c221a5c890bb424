import { ConflictError, ForbiddenError, UnauthorizedError } from '../../errors.ts';

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('invalid_credentials', 'The email or password is wrong.');
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('email_taken', 'An account with this email already exists; sign in instead.', { email: 'is already taken' });
  }
}

export class MerchantSuspendedError extends ForbiddenError {
  constructor() {
    super('merchant_suspended', 'This merchant is suspended; contact the platform operator.');
  }
}

export class NoMembershipError extends ForbiddenError {
  constructor() {
    super('no_membership', 'This account belongs to no merchant; ask an owner for an invitation.');
  }
}

export class NotAMemberError extends ForbiddenError {
  constructor() {
    super('not_a_member', 'This account is not a member of that merchant.');
  }
}

export class StaffTokenRequiredError extends ForbiddenError {
  constructor() {
    super('staff_token_required', 'Only a signed-in staff member has a profile; API keys do not.');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('invalid_refresh_token', 'The refresh token is unknown; sign in again.');
  }
}

export class RefreshTokenExpiredError extends UnauthorizedError {
  constructor() {
    super('refresh_token_expired', 'The session has expired; sign in again.');
  }
}

export class RefreshTokenRevokedError extends UnauthorizedError {
  constructor() {
    super('refresh_token_revoked', 'The session was ended; sign in again.');
  }
}

export class RefreshTokenReusedError extends UnauthorizedError {
  constructor() {
    super('refresh_token_reused', 'This refresh token was already used, so it may have leaked: every session it belongs to has been ended. Sign in again.');
  }
}

export class InvalidAccessTokenError extends UnauthorizedError {
  constructor() {
    super('invalid_token', 'The access token is invalid or has expired; refresh it or sign in again.');
  }
}

/** The membership the token was issued for is gone (the staff member was removed). */
export class MembershipEndedError extends UnauthorizedError {
  constructor() {
    super('membership_ended', 'You are no longer a member of this merchant; sign in again.');
  }
}

/** A token without a merchant is an operator's, and this account is no longer an operator. */
export class OperatorAccessEndedError extends UnauthorizedError {
  constructor() {
    super('operator_access_ended', 'This account is no longer a platform operator; sign in again.');
  }
}
