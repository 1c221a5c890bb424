import { BusinessRuleError, ConflictError, ForbiddenError } from '../../errors.ts';

export class LastOwnerError extends BusinessRuleError {
  constructor() {
    super('last_owner', 'A merchant needs at least one owner: make someone else owner first.', { role: 'the last owner cannot be demoted or removed' });
  }
}

export class AlreadyMemberError extends ConflictError {
  constructor() {
    super('already_member', 'This person is already a member of the merchant.', { email: 'is already a member' });
  }
}

/** Some changes record which person made them (invitations, API keys), so an API key cannot make them. */
export class StaffUserRequiredError extends ForbiddenError {
  constructor() {
    super('staff_user_required', 'Sign in as a staff member to do this; an API key cannot.');
  }
}

export class OperatorOnlyError extends ForbiddenError {
  constructor() {
    super('operator_only', 'Only platform operators may do this.');
  }
}
