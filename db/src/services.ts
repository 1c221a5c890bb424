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
import { createMediaStore } from './modules/catalog/media-store.ts';
import { DashboardService } from './modules/dashboard/dashboard.service.ts';
import { CustomersService } from './modules/customers/customers.service.ts';
import { OrderRelatedReader } from './modules/orders/order-related.ts';
import { ProductPhotosService } from './modules/catalog/product-photos.service.ts';
import { VariantsService } from './modules/catalog/variants.service.ts';
import { CartsService } from './modules/carts/carts.service.ts';
import { QrService } from './modules/qr/qr.service.ts';
import { LandingService } from './modules/storefront-pages/landing.service.ts';
import { EmbedOriginsService } from './modules/storefront-pages/embed-origins.service.ts';
import { AddressBookService } from './modules/fulfilment/address-book.service.ts';
import { DeliveryQuotesService } from './modules/fulfilment/delivery-quotes.service.ts';
import { ChatHostsService } from './modules/shoppers/chat-hosts.service.ts';
import { ShoppersService } from './modules/shoppers/shoppers.service.ts';
import { ShopsService } from './modules/shops/shops.service.ts';
import { LedgerService } from './modules/ledger/ledger.service.ts';
import { LedgerVerificationRuns } from './modules/ledger/ledger-verification-runs.ts';
import { OrdersService } from './modules/orders/orders.service.ts';
import { SettlementService } from './modules/settlement/settlement.service.ts';
import { ReferralCommissionsService } from './modules/referrals/referral-commissions.service.ts';
import { ShareLinksService } from './modules/referrals/share-links.service.ts';
import { RedEnvelopesService } from './modules/red-envelopes/red-envelopes.service.ts';
import { GroupBuysService } from './modules/group-buys/group-buys.service.ts';
import { DueWorkFinder } from './queues/due-work.ts';
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
import { StripeCardMovements } from './modules/payouts/stripe-card-movements.ts';
import { OrderCardPayments } from './modules/orders/card-payments.ts';
import { OrderCodesService } from './modules/qr-payments/order-codes.service.ts';
import { PaymentCodeChargesService } from './modules/qr-payments/payment-code-charges.service.ts';
import { PaymentCodesService } from './modules/qr-payments/payment-codes.service.ts';
import { WalletsService } from './modules/wallets/wallets.service.ts';
import { MoneySweeper } from './modules/money-recovery/money-sweeper.service.ts';
import type { ServiceLogger } from './service-logger.ts';
import { CarrierWebhooksService } from './modules/shipments/carrier-webhooks.service.ts';
import { CourierDeliveriesService } from './modules/shipments/courier-deliveries.service.ts';
import { CouriersService } from './modules/shipments/couriers.service.ts';
import { ShipmentsService } from './modules/shipments/shipments.service.ts';
import { RealtimeService } from './modules/realtime/realtime.service.ts';
import { NotificationsService } from './modules/notifications/notifications.service.ts';
import { QueueDashboardSessionsService } from './modules/operations/queue-dashboard-sessions.service.ts';
import { WebhookDeliveriesService } from './modules/webhooks/webhook-deliveries.service.ts';
import { WebhookEndpointsService } from './modules/webhooks/webhook-endpoints.service.ts';

export interface ServiceDependencies {
  config: Config;
  database: Database;
  /** The app's Redis connection (prefixed keys); for caches and pub/sub notifications. */
  redis: Redis;
  /** Where services log the failures they recover from (the API's and the workers' logger); silent if absent. */
  logger?: ServiceLogger;
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
  const ledger = new LedgerService(database, { sealMaxLagSeconds: dependencies.config.ledger.sealMaxLagSeconds, escrowShards: dependencies.config.ledger.escrowShards });
  const payments = new PaymentsService(database, createStripeGateway(dependencies.config.stripe), dependencies.logger);
  const payoutProvider = new LocalPaymentsProvider(database.pool);
  const qr = new QrService(database, dependencies.redis, dependencies.config);
  // Card money goes back through the gateway (docs/payments.md §3).
  const shipments = new ShipmentsService(database, dependencies.config);
  const { logger } = dependencies;
  const orders = new OrdersService({ database, config: dependencies.config, ledger, qr, cardRefunder: () => payments.gateway, shipper: shipments, ...(logger ? { logger } : {}) });
  const payouts = new PayoutsService(database, ledger, payoutProvider, { holdTimeoutSeconds: dependencies.config.payouts.holdTimeoutSeconds, ...(logger ? { logger } : {}) });
  // Product photos (docs/console-api.md §2): local disk or an S3-compatible store.
  const mediaStore = createMediaStore(dependencies.config);
  const productPhotos = new ProductPhotosService(database, mediaStore, catalogInvalidations, { maxPhotosPerProduct: dependencies.config.media.maxPhotosPerProduct });
  const wallets = new WalletsService({ database, ledger, payments, ...(logger ? { logger } : {}) });
  const shoppers = new ShoppersService(database, dependencies.config);
  return {
    catalogInvalidations,
    categories: new CategoriesService(database, catalogInvalidations),
    products: new ProductsService(database, catalogInvalidations, productPhotos),
    productPhotos,
    // The console's dashboard figures (docs/console-api.md §3).
    dashboard: new DashboardService(database),
    customers: new CustomersService(database),
    // An order's payments, ledger transfers and shipments for the console's order page.
    orderRelated: new OrderRelatedReader(database, shipments),
    variants: new VariantsService(database, catalogInvalidations),
    stockMovements: new StockMovementsService(database, catalogInvalidations),
    storeCatalog: new StoreCatalogService(database, catalogCache, (key) => mediaStore.urlOf(key)),
    apiKeys: new ApiKeysService(database),
    auth: new AuthService(database, dependencies.config),
    invitations: new InvitationsService(database, dependencies.config),
    operator: new OperatorService(database),
    staff: new StaffService(database),
    shops: new ShopsService(database, catalogInvalidations, { autoConfirmDays: dependencies.config.orders.autoConfirmDays }),
    shoppers,
    // Red envelopes for chat groups (docs/social.md).
    redEnvelopes: new RedEnvelopesService({ database, ledger, shoppers, config: dependencies.config }),
    // Share links, their opens and the referral commissions they earn (docs/social.md §3-§4).
    shareLinks: new ShareLinksService({ database, publicUrl: dependencies.config.http.publicUrl }),
    referralCommissions: new ReferralCommissionsService({ database }),
    // Group buys: teams at a team price, money held until the team forms (docs/social.md §2).
    groupBuys: new GroupBuysService({ database, ledger, config: dependencies.config }),
    chatHosts: new ChatHostsService(database, dependencies.config),
    carts: new CartsService(database),
    // The shopper's delivery addresses (docs/orders.md §10).
    addresses: new AddressBookService(database),
    deliveryQuotes: new DeliveryQuotesService(database),
    qr,
    // What a scanned code opens, for the /s/<token> pages (storefront-widget, docs/storefront-widget.md).
    landing: new LandingService({ database, qr }),
    // Which host pages may call a shop's store API from a browser (CORS per shop).
    embedOrigins: new EmbedOriginsService({ database }),
    ledger,
    // Verification runs: started by operators, carried out by the workers (job ledger.verify).
    ledgerVerifications: new LedgerVerificationRuns(database, { sealMaxLagSeconds: dependencies.config.ledger.sealMaxLagSeconds }),
    orders,
    outbox: new OutboxService(database),
    // Receipt, completion and settlement of orders (docs/orders.md §10); the sweeper's view of due work.
    settlement: new SettlementService({ database, ledger, config: dependencies.config }),
    dueWork: new DueWorkFinder(database.pool),
    // Card payments; checkout registers its handlers with payments.onEvent (docs/payments.md).
    payments,
    finance: new FinanceService(database),
    journalExport: new JournalExportService(database, { retryAfterSeconds: dependencies.config.finance.journalExportRetryAfterSeconds }),
    // Payouts and reconciliation talk to the local provider until a real one is wired in (docs/finance.md).
    payouts,
    // Card clearing is reconciled against Stripe's balance transactions (docs/finance.md §7).
    reconciliation: new ReconciliationService(database, payoutProvider, new StripeCardMovements(() => payments.gateway.stripe)),
    // Card payments of orders and wallet top-ups, and QR flows 2 and 3 (docs/qr-checkout.md). The first two
    // register their Stripe webhook handlers with payments.onEvent as they are built.
    orderCardPayments: new OrderCardPayments({ database, ledger, payments, refunds: orders }),
    wallets,
    // Stale refunds, payouts and top-ups, found in the database and finished or flagged (docs/payments.md).
    moneySweeper: new MoneySweeper({ database, orders, payouts, wallets, ...(logger ? { logger } : {}) }, dependencies.config.moneySweeper),
    orderCodes: new OrderCodesService({ database, qr, orders, config: dependencies.config }),
    paymentCodes: new PaymentCodesService({ database, qr }),
    paymentCodeCharges: new PaymentCodeChargesService({ database, ledger, qr, config: dependencies.config }),
    // Delivery (docs/delivery.md): shipments and tracking events, the shop's couriers, carrier webhooks.
    shipments,
    couriers: new CouriersService(database),
    courierDeliveries: new CourierDeliveriesService(database, dependencies.config),
    carrierWebhooks: new CarrierWebhooksService(database, dependencies.config),
    // Live updates over GET /ws: who may follow what, snapshots and replay (docs/realtime.md).
    realtime: new RealtimeService(database, dependencies.config),
    // Outgoing: merchants' webhooks (docs/webhooks.md) and shoppers' chat notifications (docs/notifications.md).
    webhookEndpoints: new WebhookEndpointsService(database, dependencies.config),
    webhookDeliveries: new WebhookDeliveriesService(database, dependencies.config.webhooks),
    notifications: new NotificationsService(database, dependencies.config),
    queueDashboardSessions: new QueueDashboardSessionsService(database, dependencies.redis, dependencies.config),
  };
}

export type Services = ReturnType<typeof createServices>;
