import type { AuthProvider } from 'react-admin';
import { PERMISSIONS, type Permission } from '../../../db/src/modules/staff/permissions.ts';
import { OPERATOR_RESOURCES } from '../operator/resources.ts';
import { ApiError, clearSession, freshAccessToken, login, logout, readSession, type StoredSession } from './session.ts';

/**
 * What each console resource needs, in the server's own permission names (the table is imported from
 * db/src/modules/staff/permissions.ts, so the UI and the API cannot disagree). The server enforces it
 * anyway; the UI only hides what a role cannot do.
 */
const RESOURCE_PERMISSIONS: Record<string, { read: Permission; write?: Permission }> = {
  orders: { read: 'orders.read', write: 'orders.fulfil' },
  shipments: { read: 'orders.read', write: 'orders.fulfil' },
  products: { read: 'catalog.read', write: 'catalog.write' },
  variants: { read: 'catalog.read', write: 'catalog.write' },
  categories: { read: 'catalog.read', write: 'catalog.write' },
  shops: { read: 'shops.read', write: 'shops.write' },
  finance: { read: 'finance.read', write: 'finance.write' },
  'red-envelopes': { read: 'finance.read', write: 'finance.write' },
  commissions: { read: 'finance.read' },
  counter: { read: 'payments.charge', write: 'payments.charge' },
  'qr-sheet': { read: 'shops.read' },
  refunds: { read: 'orders.refund', write: 'orders.refund' },
  staff: { read: 'staff.read', write: 'staff.manage' },
  couriers: { read: 'orders.read', write: 'couriers.manage' },
  invitations: { read: 'staff.read', write: 'staff.manage' },
  'group-buys': { read: 'orders.read', write: 'catalog.write' },
  'finance-accounts': { read: 'finance.read' },
  journal: { read: 'finance.read' },
  payouts: { read: 'finance.read', write: 'finance.write' },
  // A clerk counts stock (stock.adjust) without changing the catalog.
  'stock-movements': { read: 'catalog.read', write: 'stock.adjust' },
  customers: { read: 'orders.read' },
  'webhook-endpoints': { read: 'webhooks.manage', write: 'webhooks.manage' },
  'webhook-deliveries': { read: 'webhooks.manage', write: 'webhooks.manage' },
  'api-keys': { read: 'api_keys.manage', write: 'api_keys.manage' },
};

export function sessionAllows(session: StoredSession | null, permission: Permission): boolean {
  if (!session?.role) return false;
  return (PERMISSIONS[permission] as readonly string[]).includes(session.role);
}

const operatorResources: readonly string[] = OPERATOR_RESOURCES;

export function canAccessResource(session: StoredSession | null, resource: string, action: string): boolean {
  // platform.operate belongs to operators, not to a merchant role (the server checks it the same way).
  if (operatorResources.includes(resource)) return session?.isOperator === true;
  const rule = RESOURCE_PERMISSIONS[resource];
  if (!rule) return false;
  const readOnly = action === 'list' || action === 'show' || action === 'read';
  const permission = readOnly ? rule.read : rule.write;
  return permission ? sessionAllows(session, permission) : false;
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    try {
      await login(username, password);
    } catch (error) {
      if (error instanceof ApiError) throw new Error(error.status === 401 ? 'ra.auth.sign_in_error' : error.message);
      throw error;
    }
  },
  logout: () => logout(),
  async checkAuth() {
    if (!(await freshAccessToken())) throw new Error('ra.auth.auth_check_error');
  },
  async checkError(error: { status?: number }) {
    // authorizedFetch already refreshed and retried once: a 401 now means the session is over.
    if (error?.status === 401) {
      clearSession();
      throw new Error('ra.notification.logged_out');
    }
    // 403 is a refusal of one action (the role), not the end of the session.
  },
  async getIdentity() {
    const session = readSession();
    if (!session) throw new Error('ra.auth.auth_check_error');
    return { id: session.user.id, fullName: session.user.name ?? session.user.email, role: session.role, merchant: session.merchant?.name ?? null };
  },
  async getPermissions() {
    const session = readSession();
    return { role: session?.role ?? null, isOperator: session?.isOperator ?? false };
  },
  async canAccess({ resource, action }: { resource: string; action: string }) {
    return canAccessResource(readSession(), resource, action);
  },
};
