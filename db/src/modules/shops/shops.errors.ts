import { ConflictError } from '../../errors.ts';

export class ShopSlugTakenError extends ConflictError {
  constructor(slug: string) {
    super('shop_slug_taken', `The shop address "${slug}" is taken; choose another.`, { slug: 'is already taken' });
  }
}

export class ShopNotEmptyError extends ConflictError {
  constructor() {
    super('shop_not_empty', 'The shop still has products or categories; archive them or close the shop instead.');
  }
}
