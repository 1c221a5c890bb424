/** Mirrors ORDER_STATUSES (db/src/modules/orders/order.entity.ts, which imports the ORM, so not here). */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'packed', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', 'partially_refunded'] as const;

/** Translated under `status.<name>`. */
export const orderStatusChoices = ORDER_STATUSES.map((status) => ({ id: status, name: `status.${status}` }));
