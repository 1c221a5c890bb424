import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Database } from './database.ts';
import { ApiKeysService } from './modules/auth/api-keys.service.ts';
import { AuthService } from './modules/auth/auth.service.ts';
import { CatalogCache } from './modules/catalog/catalog-cache.ts';
import { CatalogInvalidations } from './modules/catalog/catalog-invalidation.ts';
import { CategoriesService } from './modules/catalog/categories.service.ts';
import { ProductsService } from './modules/catalog/products.service.ts';
import { StockMovementsService } from './modules/catalog/stock-movements.service.ts';
import { StoreCatalogService } from './modules/catalog/store-catalog.service.ts';
import { VariantsService } from './modules/catalog/variants.service.ts';
import { CartsService } from './modules/carts/carts.service.ts';
import { QrService } from './modules/qr/qr.service.ts';
import { ChatHostsService } from './modules/shoppers/chat-hosts.service.ts';
import { ShoppersService } from './modules/shoppers/shoppers.service.ts';
import { ShopsService } from './modules/shops/shops.service.ts';
import { LedgerService } from './modules/ledger/ledger.service.ts';
import { OrdersService } from './modules/orders/orders.service.ts';
import { PaymentsService } from './modules/payments/payments.service.ts';
import { createStripeGateway } from './modules/payments/stripe-gateway.ts';
import { OutboxService } from './outbox/outbox.service.ts';
import { InvitationsService } from './modules/staff/invitations.service.ts';
import { OperatorService } from './modules/staff/operator.service.ts';
import { StaffService } from './modules/staff/staff.service.ts';
import { FinanceService } from './modules/finance/finance.service.ts';
import { JournalExportService } from './modules/finance/journal-export.service.ts';
import { LocalPaymentsProvider } from './modules/payouts/local-payout-provider.ts';
import { PayoutsService } from './modules/payouts/payouts.service.ts';
import { ReconciliationService } from './modules/payouts/reconciliation.service.ts';
import { OrderCardPayments } from './modules/orders/card-payments.ts';
import { OrderCodesService } from './modules/qr-payments/order-codes.service.ts';
import { PaymentCodeChargesService } from './modules/qr-payments/payment-code-charges.service.ts';
import { PaymentCodesService } from './modules/qr-payments/payment-codes.service.ts';
import { WalletsService } from './modules/wallets/wallets.service.ts';
import { NotificationsService } from './modules/notifications/notifications.service.ts';
import { QueueDashboardSessionsService } from './modules/operations/queue-dashboard-sessions.service.ts';
import { WebhookDeliveriesService } from './modules/webhooks/webhook-deliveries.service.ts';
import { WebhookEndpointsService } from './modules/webhooks/webhook-endpoints.service.ts';

export interface ServiceDependencies {
  config: Config;
  database: Database;
  /** The app's Redis connection (prefixed keys); for caches and pub/sub notifications. */
  redis: Redis;
}

/**
 * Every domain service, built once per process and shared by the HTTP routes and the job processors,
 * so that each business rule lives in exactly one place.
 */
export function createServices(dependencies: ServiceDependencies) {
  const { database } = dependencies;
  const catalogCache = new CatalogCache({ ttlMs: dependencies.config.catalog.cacheTtlMs });
  const catalogInvalidations = new CatalogInvalidations(dependencies.redis, dependencies.config.redis.keyPrefix, catalogCache);
  // One ledger instance: orders post into it inside their own transactions.
  const ledger = new LedgerService(database);
  const payments = new PaymentsService(database, createStripeGateway(dependencies.config.stripe));
  const payoutProvider = new LocalPaymentsProvider(database.pool);
  const qr = new QrService(database, dependencies.redis, dependencies.config);
  // Card money goes back through the gateway (docs/payments.md §3).
  const orders = new OrdersService({ database, config: dependencies.config, ledger, cardRefunder: () => payments.gateway });
  return {
    catalogInvalidations,
    categories: new CategoriesService(database, catalogInvalidations),
    products: new ProductsService(database, catalogInvalidations),
    variants: new VariantsService(database, catalogInvalidations),
    stockMovements: new StockMovementsService(database, catalogInvalidations),
    storeCatalog: new StoreCatalogService(database, catalogCache),
    apiKeys: new ApiKeysService(database),
    auth: new AuthService(database, dependencies.config),
    invitations: new InvitationsService(database, dependencies.config),
    operator: new OperatorService(database),
    staff: new StaffService(database),
    shops: new ShopsService(database, catalogInvalidations),
    shoppers: new ShoppersService(database, dependencies.config),
    chatHosts: new ChatHostsService(database, dependencies.config),
    carts: new CartsService(database),
    qr,
    ledger,
    orders,
    outbox: new OutboxService(database),
    // Card payments; checkout registers its handlers with payments.onEvent (docs/payments.md).
    payments,
    finance: new FinanceService(database),
    journalExport: new JournalExportService(database),
    // Payouts and reconciliation talk to the local provider until a real one is wired in (docs/finance.md).
    payouts: new PayoutsService(database, ledger, payoutProvider),
    reconciliation: new ReconciliationService(database, payoutProvider),
    // Card payments of orders and wallet top-ups, and QR flows 2 and 3 (docs/qr-checkout.md). The first two
    // register their Stripe webhook handlers with payments.onEvent as they are built.
    orderCardPayments: new OrderCardPayments({ database, ledger, payments }),
    wallets: new WalletsService({ database, ledger, payments }),
    orderCodes: new OrderCodesService({ database, qr, orders, config: dependencies.config }),
    paymentCodes: new PaymentCodesService({ database, qr }),
    paymentCodeCharges: new PaymentCodeChargesService({ database, ledger, qr, config: dependencies.config }),
    // Outgoing: merchants' webhooks (docs/webhooks.md) and shoppers' chat notifications (docs/notifications.md).
    webhookEndpoints: new WebhookEndpointsService(database, dependencies.config),
    webhookDeliveries: new WebhookDeliveriesService(database, dependencies.config.webhooks),
    notifications: new NotificationsService(database, dependencies.config),
    queueDashboardSessions: new QueueDashboardSessionsService(database, dependencies.redis, dependencies.config),
  };
}

export type Services = ReturnType<typeof createServices>;
