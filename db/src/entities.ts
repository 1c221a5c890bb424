import { ApiKeyEntity } from './modules/auth/api-key.entity.ts';
import { RefreshTokenEntity } from './modules/auth/refresh-token.entity.ts';
import { CategoryEntity } from './modules/catalog/category.entity.ts';
import { ProductEntity } from './modules/catalog/product.entity.ts';
import { StockMovementEntity } from './modules/catalog/stock-movement.entity.ts';
import { VariantEntity } from './modules/catalog/variant.entity.ts';
import { MerchantEntity } from './modules/merchants/merchant.entity.ts';
import { ShopEntity } from './modules/shops/shop.entity.ts';
import { InvitationEntity } from './modules/staff/invitation.entity.ts';
import { MembershipEntity } from './modules/staff/membership.entity.ts';
import { OperatorEntity } from './modules/staff/operator.entity.ts';
import { StaffUserEntity } from './modules/staff/staff-user.entity.ts';

/** Every entity the ORM knows, one line per entity. */
export const entities = [
  MerchantEntity,
  StaffUserEntity,
  MembershipEntity,
  InvitationEntity,
  OperatorEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
  ShopEntity,
  CategoryEntity,
  ProductEntity,
  VariantEntity,
  StockMovementEntity,
];
