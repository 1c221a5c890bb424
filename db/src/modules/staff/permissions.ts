import type { StaffRole } from './membership.entity.ts';

/**
 * What each role may do. Every admin route names one permission; the API refuses to boot if an admin
 * route names none (api/src/plugins/app/authentication.ts).
 */
export const PERMISSIONS = {
  'shops.read': ['owner', 'manager', 'clerk', 'finance'],
  'shops.write': ['owner', 'manager'],
  'catalog.read': ['owner', 'manager', 'clerk', 'finance'],
  'catalog.write': ['owner', 'manager'],
  'stock.adjust': ['owner', 'manager', 'clerk'],
  'staff.read': ['owner', 'manager'],
  'staff.manage': ['owner'],
  'api_keys.manage': ['owner'],
  'finance.read': ['owner', 'finance'],
  'finance.write': ['owner', 'finance'],
  'orders.read': ['owner', 'manager', 'clerk', 'finance'],
  'orders.fulfil': ['owner', 'manager', 'clerk'],
  /** Cancelling a paid order refunds it, so cancel and refund are one permission. */
  'orders.refund': ['owner', 'manager', 'finance'],
  /** Charging a shopper's payment code at the counter (docs/qr-checkout.md). */
  'payments.charge': ['owner', 'manager', 'clerk'],
  /** The shop's own couriers and their sign-in tokens (docs/delivery.md). */
  'couriers.manage': ['owner', 'manager'],
  /** Webhook endpoints (their secrets) and the delivery log with replays (docs/webhooks.md). */
  'webhooks.manage': ['owner', 'manager'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
