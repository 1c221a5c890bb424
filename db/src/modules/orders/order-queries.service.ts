import type { FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { OrderEntity, type Order, type OrderStatus } from './order.entity.ts';
import { findOrder, withHistory, withLines, type OrderWithHistory, type OrderWithLines } from './order-reads.ts';
import { OrderNotFoundError } from './orders.errors.ts';
import type { OrderListFilterInput, StoreOrderListInput } from './orders.schemas.ts';

/** Reading orders: merchants within their tenancy, shoppers their own; anyone else's order is a 404. */
export class OrderQueriesService {
  constructor(private readonly database: Database) {}

  async list(actor: MerchantActor, query: ListQuery<OrderListFilterInput>): Promise<ListPage<Order>> {
    const { filter } = query;
    const where: FilterQuery<Order> = { merchantId: actor.merchantId };
    if (filter.id) where.id = { $in: filter.id };
    if (filter.status) where.status = Array.isArray(filter.status) ? { $in: filter.status as OrderStatus[] } : (filter.status as OrderStatus);
    if (filter.shopId) where.shopId = filter.shopId;
    if (filter.shopperId) where.shopperId = filter.shopperId;
    if (filter.paymentMethod) where.paymentMethod = filter.paymentMethod;
    if (filter.fulfilmentMethod) where.fulfilmentMethod = filter.fulfilmentMethod;
    if (filter.q !== undefined) {
      // The console's search box takes an order number, with or without its '#'.
      const number = Number(filter.q.trim().replace(/^#/, ''));
      where.number = Number.isSafeInteger(number) && number > 0 ? number : -1;
    }
    if (filter.createdAtFrom || filter.createdAtTo) {
      where.createdAt = {
        ...(filter.createdAtFrom ? { $gte: new Date(filter.createdAtFrom) } : {}),
        ...(filter.createdAtTo ? { $lte: new Date(filter.createdAtTo) } : {}),
      };
    }
    return findPage(this.database.orm.em.fork(), OrderEntity, where, query);
  }

  async get(actor: MerchantActor, id: string): Promise<OrderWithHistory> {
    const order = await findOrder(this.database.pool, id, { merchantId: actor.merchantId });
    if (!order) throw new OrderNotFoundError(id);
    return withHistory(this.database.pool, order);
  }

  async listForShopper(actor: ShopperActor, input: StoreOrderListInput): Promise<{ items: Order[]; page: number; pageSize: number; total: number }> {
    const page = await findPage(this.database.orm.em.fork(), OrderEntity, { shopperId: actor.shopperId }, {
      sortField: 'createdAt',
      sortOrder: 'DESC',
      offset: (input.page - 1) * input.pageSize,
      limit: input.pageSize,
      filter: {},
    });
    return { items: page.items, page: input.page, pageSize: input.pageSize, total: page.total };
  }

  async getForShopper(actor: ShopperActor, id: string): Promise<OrderWithLines> {
    const order = await findOrder(this.database.pool, id, { shopperId: actor.shopperId });
    if (!order) throw new OrderNotFoundError(id);
    return withLines(this.database.pool, order);
  }
}
