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
