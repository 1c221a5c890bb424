import { NotFoundError } from '../../errors.ts';

export class WalletTopUpNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('wallet_top_up', id);
  }
}
