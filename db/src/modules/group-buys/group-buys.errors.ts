import { BusinessRuleError, ConflictError } from '../../errors.ts';

/** Every seat of the team is taken: 409, nothing held. */
export class GroupBuyTeamFullError extends ConflictError {
  constructor() {
    super('group_buy_team_full', 'This team is already complete.');
  }
}

/** The team's window closed before it filled: its holds are (or are about to be) voided. */
export class GroupBuyTeamExpiredError extends BusinessRuleError {
  constructor() {
    super('group_buy_team_expired', 'This team’s time ran out.');
  }
}

/** The merchant's cap on teams for this offer is reached, or the offer ended. */
export class GroupBuyClosedError extends ConflictError {
  constructor(reason: string) {
    super('group_buy_closed', `This group buy takes no new teams: ${reason}.`);
  }
}

/** Not enough stock left to reserve a whole team's units. */
export class GroupBuyOutOfStockError extends ConflictError {
  constructor() {
    super('group_buy_out_of_stock', 'Not enough stock left for a new team.', { variantId: 'has too little stock for a whole team' });
  }
}

/** The wallet holds less than the team price (top it up by card first). */
export class GroupBuyInsufficientFundsError extends BusinessRuleError {
  constructor() {
    super('insufficient_funds', 'The wallet does not hold the team price; top it up first.', { teamPriceMinor: 'is more than the wallet holds' });
  }
}
