import { ValidationError } from '../../errors.ts';

export class InvalidPeriodError extends ValidationError {
  constructor() {
    super({ to: 'must be after from' }, 'invalid_period');
  }
}
