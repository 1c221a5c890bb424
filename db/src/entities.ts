import { ApiKeyEntity } from './modules/auth/api-key.entity.ts';
import { CartLineEntity } from './modules/carts/cart-line.entity.ts';
import { CartEntity } from './modules/carts/cart.entity.ts';
import { RefreshTokenEntity } from './modules/auth/refresh-token.entity.ts';
import { CategoryEntity } from './modules/catalog/category.entity.ts';
import { ProductEntity } from './modules/catalog/product.entity.ts';
import { StockMovementEntity } from './modules/catalog/stock-movement.entity.ts';
import { VariantEntity } from './modules/catalog/variant.entity.ts';
import { MerchantEntity } from './modules/merchants/merchant.entity.ts';
import { ShopEntity } from './modules/shops/shop.entity.ts';
import { ChatHostEntity } from './modules/shoppers/chat-host.entity.ts';
import { ShopperIdentityEntity } from './modules/shoppers/shopper-identity.entity.ts';
import { ShopperEntity } from './modules/shoppers/shopper.entity.ts';
import { InvitationEntity } from './modules/staff/invitation.entity.ts';
import { MembershipEntity } from './modules/staff/membership.entity.ts';
import { OperatorEntity } from './modules/staff/operator.entity.ts';
import { StaffUserEntity } from './modules/staff/staff-user.entity.ts';
import { LedgerAccountEntity } from './modules/ledger/ledger-account.entity.ts';
import { LedgerTransferEntity } from './modules/ledger/ledger-transfer.entity.ts';
import { OrderEntity } from './modules/orders/order.entity.ts';
import { OrderEventEntity } from './modules/orders/order-event.entity.ts';
import { OrderLineEntity } from './modules/orders/order-line.entity.ts';
import { OrderRefundEntity } from './modules/orders/order-refund.entity.ts';
import { PaymentAttemptEntity } from './modules/payments/payment-attempt.entity.ts';
import { PaymentIntentProjectionEntity } from './modules/payments/payment-intent.entity.ts';
import { PaymentWebhookEventEntity } from './modules/payments/payment-webhook-event.entity.ts';
import { PayoutEntity } from './modules/payouts/payout.entity.ts';
import { PaymentCodeChargeEntity } from './modules/qr-payments/payment-code-charge.entity.ts';
import { WalletTopUpEntity } from './modules/wallets/wallet-top-up.entity.ts';

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
  ShopperEntity,
  ShopperIdentityEntity,
  ChatHostEntity,
  CartEntity,
  CartLineEntity,
  LedgerAccountEntity,
  LedgerTransferEntity,
  OrderEntity,
  OrderLineEntity,
  OrderEventEntity,
  OrderRefundEntity,
  PaymentAttemptEntity,
  PaymentIntentProjectionEntity,
  PaymentWebhookEventEntity,
  PayoutEntity,
  WalletTopUpEntity,
  PaymentCodeChargeEntity,
];
