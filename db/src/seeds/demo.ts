import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import type { Database } from '../database.ts';
import { newId } from '../ids.ts';
import { hashPassword } from '../modules/auth/passwords.ts';
import { CategoryEntity } from '../modules/catalog/category.entity.ts';
import { ProductEntity } from '../modules/catalog/product.entity.ts';
import { StockMovementEntity } from '../modules/catalog/stock-movement.entity.ts';
import { VariantEntity } from '../modules/catalog/variant.entity.ts';
import { MerchantEntity } from '../modules/merchants/merchant.entity.ts';
import { assertShopFulfilmentSettings } from '../modules/fulfilment/shop-fulfilment-settings.ts';
import { ShopEntity } from '../modules/shops/shop.entity.ts';
import type { StaffRole } from '../modules/staff/membership.entity.ts';
import { MembershipEntity } from '../modules/staff/membership.entity.ts';
import { OperatorEntity } from '../modules/staff/operator.entity.ts';
import { ChatHostEntity } from '../modules/shoppers/chat-host.entity.ts';
import { newSecret } from '../secrets.ts';
import { DEMO_CHAT_HOST_NAME } from './demo-chat-members.ts';
import { StaffUserEntity } from '../modules/staff/staff-user.entity.ts';
import { StartupError } from '../startup-errors.ts';
import { DEMO_MERCHANTS, DEMO_OPERATOR, DEMO_PASSWORD, slugOf, type DemoMerchant } from './demo-catalog.ts';

export interface DemoLogin {
  email: string;
  role: StaffRole | 'operator';
  /** The merchant the login works for; null for the platform operator. */
  merchant: string | null;
}

/** Every login the demo seed creates, all with DEMO_PASSWORD; the README and `npm start` print them. */
export const DEMO_LOGINS: DemoLogin[] = [
  { email: DEMO_OPERATOR.email, role: 'operator', merchant: null },
  ...DEMO_MERCHANTS.flatMap((merchant) => merchant.staff.map((member) => ({ email: member.email, role: member.role, merchant: merchant.name }))),
];

export type SeedSummary =
  | { seeded: true; merchants: number; shops: number; categories: number; products: number; variants: number; stockMovements: number; logins: DemoLogin[]; password: string }
  | { seeded: false; reason: string };

/**
 * What the seed reads from the configuration: the argon2 memory cost (PASSWORD_HASH_MEMORY_KIB), so demo
 * logins verify like real ones, and whether production allows it (SEED_DEMO_IN_PRODUCTION).
 */
export type SeedOptions = Pick<Config, 'environment' | 'auth' | 'seed'>;

/** The demo logins share a password published in the README: a production database must not get them by accident. */
export class DemoSeedRefusedError extends StartupError {
  constructor() {
    super(
      `The demo seed creates logins whose password (${DEMO_PASSWORD}) is published, so it does not run with NODE_ENV=production. ` +
        'Set SEED_DEMO_IN_PRODUCTION=yes to seed a demo server anyway.',
    );
  }
}

/** Throws DemoSeedRefusedError with NODE_ENV=production unless SEED_DEMO_IN_PRODUCTION=yes. */
export function assertDemoSeedAllowed(options: Pick<Config, 'environment' | 'seed'>): void {
  if (options.environment === 'production' && !options.seed.demoInProduction) throw new DemoSeedRefusedError();
}

/**
 * Fills an EMPTY database with the demo platform: an operator, two merchants with staff of every role,
 * three shops with categories, products (with placeholder pictures), variants and their opening stock.
 * Anything already there (a merchant or a staff user) means someone uses this database, so it leaves it
 * alone and says why. With NODE_ENV=production it refuses to run unless SEED_DEMO_IN_PRODUCTION=yes. Writes through the entities rather than the services, whose rules (permissions,
 * one actor per call) fit people, not a bulk load; one transaction, so it is all or nothing.
 */
export async function seedDemo(database: Database, options: SeedOptions): Promise<SeedSummary> {
  assertDemoSeedAllowed(options);
  const emails = [DEMO_OPERATOR.email, ...DEMO_MERCHANTS.flatMap((merchant) => merchant.staff.map((member) => member.email))];
  // Each login gets its own salt, as every real account does.
  const passwordHashes = new Map(await Promise.all(emails.map(async (email) => [email, await hashPassword(DEMO_PASSWORD, options.auth.passwordHashMemoryKib)] as const)));

  return database.orm.em.fork().transactional(async (entityManager) => {
    // Two `npm start`s at once must not both decide the database is empty.
    await entityManager.execute(`select pg_advisory_xact_lock(hashtext('minishop_demo_seed'))`);
    const merchants = await entityManager.count(MerchantEntity, {});
    const staffUsers = await entityManager.count(StaffUserEntity, {});
    if (merchants + staffUsers > 0) {
      return { seeded: false, reason: `the database already holds data (${merchants} merchants, ${staffUsers} staff users); the demo seed only fills an empty database` };
    }

    const operatorUserId = newId();
    entityManager.create(StaffUserEntity, { id: operatorUserId, email: DEMO_OPERATOR.email, name: DEMO_OPERATOR.name, passwordHash: passwordHashes.get(DEMO_OPERATOR.email) as string });
    await entityManager.flush();
    entityManager.create(OperatorEntity, { id: newId(), userId: operatorUserId });
    // The chat host the demo chat (/demo) plays, so its group's members sign in and send red envelopes.
    entityManager.create(ChatHostEntity, { id: newId(), name: DEMO_CHAT_HOST_NAME, secret: newSecret(32), status: 'active', notificationUrl: null, notificationSecret: null });

    const counts = { merchants: 0, shops: 0, categories: 0, products: 0, variants: 0, stockMovements: 0 };
    for (const merchant of DEMO_MERCHANTS) {
      const merchantCounts = await seedMerchant(entityManager, merchant, passwordHashes);
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += merchantCounts[key];
    }
    return { seeded: true, ...counts, logins: DEMO_LOGINS, password: DEMO_PASSWORD };
  });
}

// The entities declare no relations, so the unit of work cannot order inserts by foreign key: each
// level is flushed before the next one refers to it.
async function seedMerchant(entityManager: EntityManager, merchant: DemoMerchant, passwordHashes: Map<string, string>) {
  const counts = { merchants: 1, shops: 0, categories: 0, products: 0, variants: 0, stockMovements: 0 };
  const merchantId = newId();
  entityManager.create(MerchantEntity, { id: merchantId, name: merchant.name, status: 'active' });
  const userIds = merchant.staff.map((member) => {
    const userId = newId();
    entityManager.create(StaffUserEntity, { id: userId, email: member.email, name: member.name, passwordHash: passwordHashes.get(member.email) as string });
    return userId;
  });
  await entityManager.flush();
  merchant.staff.forEach((member, index) => entityManager.create(MembershipEntity, { id: newId(), merchantId, userId: userIds[index] as string, role: member.role }));

  for (const shop of merchant.shops) {
    const shopId = newId();
    if (shop.fulfilment) assertShopFulfilmentSettings(shop.fulfilment);
    entityManager.create(ShopEntity, {
      id: shopId,
      merchantId,
      slug: shop.slug,
      name: shop.name,
      description: shop.description,
      currency: shop.currency,
      status: 'open',
      allowedEmbedOrigins: [],
      autoConfirmDays: 7,
      ...shop.fulfilment,
    });
    counts.shops += 1;
    await entityManager.flush();

    const categoryIds = new Map(shop.categories.map((name) => [name, newId()]));
    shop.categories.forEach((name, position) => entityManager.create(CategoryEntity, { id: categoryIds.get(name) as string, merchantId, shopId, name, position }));
    counts.categories += shop.categories.length;
    await entityManager.flush();

    const variants = shop.products.flatMap((product) => {
      const productId = newId();
      const slug = slugOf(product.title);
      entityManager.create(ProductEntity, {
        id: productId,
        merchantId,
        shopId,
        categoryId: categoryIds.get(product.category) ?? null,
        title: product.title,
        description: product.description,
        status: 'active',
        images: [{ url: `/media/placeholder/${slug}.svg`, alt: product.title }],
      });
      return product.variants.map((variant, position) => ({ ...variant, productId, position }));
    });
    counts.products += shop.products.length;
    await entityManager.flush();

    const stocked: { variantId: string; stock: number }[] = [];
    for (const variant of variants) {
      const variantId = newId();
      entityManager.create(VariantEntity, { id: variantId, merchantId, productId: variant.productId, sku: variant.sku, title: variant.title, priceMinor: variant.priceMinor, stockOnHand: variant.stock, position: variant.position });
      if (variant.stock > 0) stocked.push({ variantId, stock: variant.stock });
    }
    counts.variants += variants.length;
    await entityManager.flush();

    // The stock journal starts with the opening count, so that it sums to stock on hand from day one.
    for (const { variantId, stock } of stocked) {
      entityManager.create(StockMovementEntity, { id: newId(), merchantId, variantId, quantityDelta: stock, stockOnHandAfter: stock, reason: 'initial', note: 'Opening stock (demo seed)', actorType: 'system', actorId: null });
    }
    counts.stockMovements += stocked.length;
    await entityManager.flush();
  }
  return counts;
}
