import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { buildApp } from '../../api/src/app.ts';
import type { MerchantActor } from '../../db/src/actor.ts';
import { loadConfig } from '../../db/src/config.ts';
import { newId } from '../../db/src/ids.ts';

/**
 * The two servers of the catalog benchmark in one process of their own (forked with IPC by index.ts,
 * compiled and run with production's flags): the API, with a shop of `BENCH_CATALOG_PRODUCTS` products
 * seeded through its services, and a bare Fastify hello-world, its reference. Sharing the process and its
 * runtime, the two are compared on equal terms. Answers with both ports and the shop's slug.
 */
const productCount = Number(process.env.BENCH_CATALOG_PRODUCTS ?? 200);
const api = await buildApp(loadConfig());
const hello = Fastify({ logger: false });
hello.get('/', async () => ({ hello: 'world' }));
await api.listen({ port: 0, host: '127.0.0.1' });
await hello.listen({ port: 0, host: '127.0.0.1' });
const slug = await seed(api);
process.send?.({ apiPort: (api.server.address() as AddressInfo).port, helloPort: (hello.server.address() as AddressInfo).port, slug });

const close = () => void Promise.all([hello.close(), api.close()]).then(() => process.exit(0));
process.on('message', (message) => {
  if (message === 'close') close();
});
process.on('disconnect', close);

/** One merchant, one open shop, a few categories and `productCount` active products with 1-3 variants. */
async function seed(app: Awaited<ReturnType<typeof buildApp>>): Promise<string> {
  const merchantId = newId();
  const userId = newId();
  await app.database.pool.query(`insert into merchant (id, name) values ($1, 'Bench merchant')`, [merchantId]);
  const actor: MerchantActor = { type: 'staff', userId, merchantId, role: 'owner', isOperator: false };
  const { services } = app;
  const shop = await services.shops.create(actor, { slug: 'bench-tea-house', name: 'Bench Tea House', currency: 'EUR' });
  const categories = [];
  for (const [position, name] of ['Green', 'Black', 'Oolong', 'Herbal', 'Teaware'].entries()) {
    categories.push(await services.categories.create(actor, { shopId: shop.id, name, position }));
  }
  for (let index = 0; index < productCount; index += 1) {
    const product = await services.products.create(actor, {
      shopId: shop.id,
      categoryId: categories[index % categories.length]!.id,
      title: `Tea number ${index + 1}`,
      description: `A fine tea, lot ${index + 1}, picked by hand and packed on the day.`,
      status: 'active',
      images: [{ url: `https://images.example/tea-${index + 1}.jpg`, alt: `Tea number ${index + 1}` }],
    });
    for (let variant = 0; variant < 1 + (index % 3); variant += 1) {
      await services.variants.create(actor, { productId: product.id, sku: `TEA-${index + 1}-${variant + 1}`, title: `${50 * (variant + 1)} g`, priceMinor: 450 + 175 * variant + index, stockOnHand: index % 7 === 0 ? 0 : 20 });
    }
  }
  return shop.slug;
}
