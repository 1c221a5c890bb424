import { type CreateParams, type DataProvider, fetchUtils, HttpError } from 'react-admin';
import simpleRestProvider from 'ra-data-simple-rest';
import { realtime, type RealtimeCallback } from './realtime.ts';
import { apiJson, ApiError, authorizedFetch } from './session.ts';

export const API_URL = '/api/admin';

/**
 * react-admin's fetchJson over authorizedFetch: the bearer token, one shared refresh on 401, and the
 * server's `{errors: {field: message}}` passed as HttpError body so forms show each message beside its
 * input (react-admin reads `body.errors`).
 */
async function httpClient(url: string, options: fetchUtils.Options = {}) {
  const headers = new Headers(options.headers as HeadersInit | undefined);
  if (options.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  const response = await authorizedFetch(url, { ...options, headers } as RequestInit);
  const body = await response.text();
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  if (response.status < 200 || response.status >= 300) {
    const message = (json as { message?: string } | undefined)?.message ?? response.statusText;
    throw new HttpError(message, response.status, json);
  }
  return { status: response.status, headers: response.headers, body, json };
}

const simpleRest = simpleRestProvider(API_URL, httpClient, 'Content-Range');

/**
 * Console resources whose API path is not their name (react-admin routes a resource at /<name>, so a
 * name with a slash would collide with our own pages): the finance lists live under /finance/.
 */
const RESOURCE_PATHS: Record<string, string> = {
  'finance-accounts': 'finance/accounts',
  journal: 'finance/transfers',
  payouts: 'finance/payouts',
  merchants: 'operator/merchants',
  'operator-shops': 'operator/shops',
  'chat-hosts': 'operator/chat-hosts',
  'ledger-accounts': 'operator/ledger/accounts',
  'ledger-transfers': 'operator/ledger/transfers',
};

const pathOf = (resource: string) => RESOURCE_PATHS[resource] ?? resource;

const restProvider = Object.fromEntries(
  Object.entries(simpleRest).map(([method, call]) => [method, (resource: string, params: unknown) => (call as (resource: string, params: unknown) => unknown)(pathOf(resource), params)]),
) as unknown as DataProvider;

export interface MinishopDataProvider extends DataProvider {
  subscribe(topic: string, callback: RealtimeCallback): Promise<{ data: null }>;
  unsubscribe(topic: string, callback: RealtimeCallback): Promise<{ data: null }>;
  /** POST /api/admin/<resource>/<id>/<verb> (order actions and friends); extra headers e.g. Idempotency-Key. */
  act<T = unknown>(resource: string, id: string, verb: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** GET any admin path (dashboard, balances, order detail parts). */
  read<T = unknown>(path: string): Promise<T>;
  /** Any other call to an admin path (a payout with its Idempotency-Key, a replay, a photo's order). */
  send<T = unknown>(path: string, init: { method: string; json?: unknown; headers?: Record<string, string> }): Promise<T>;
}

function toHttpError(error: unknown): never {
  if (error instanceof ApiError) throw new HttpError(error.message, error.status, error.body);
  throw error;
}

interface PlatformFee {
  merchantId: string;
  basisPoints: number | null;
  effectiveBasisPoints: number;
}

/**
 * `fee-rates` has no list of its own on the server: a merchant's rate is GET|PUT
 * /operator/merchants/:id/platform-fee. The list is the merchants page with each row's rate (a page of
 * at most perPage reads); the record's id is the merchant's.
 */
const feeRates = {
  async read(merchant: { id: string; name: string; status: string }) {
    const fee = await apiJson<PlatformFee>(`${API_URL}/operator/merchants/${merchant.id}/platform-fee`);
    return { id: merchant.id, merchantName: merchant.name, status: merchant.status, basisPoints: fee.basisPoints, effectiveBasisPoints: fee.effectiveBasisPoints };
  },
  async getList(params: Parameters<DataProvider['getList']>[1]) {
    const page = await restProvider.getList('merchants', params);
    return { ...page, data: await Promise.all(page.data.map((merchant) => feeRates.read(merchant as never))) };
  },
  async getOne(id: string) {
    return { data: await feeRates.read(await apiJson(`${API_URL}/operator/merchants/${id}`)) };
  },
  async update(id: string, basisPoints: number | null | undefined) {
    await apiJson(`${API_URL}/operator/merchants/${id}/platform-fee`, { method: 'PUT', json: { basisPoints: basisPoints ?? null } }).catch(toHttpError);
    return feeRates.getOne(id);
  },
};

export const dataProvider: MinishopDataProvider = {
  ...restProvider,
  getList: ((resource, params) => (resource === 'fee-rates' ? feeRates.getList(params) : restProvider.getList(resource, params))) as DataProvider['getList'],
  getOne: ((resource, params) => (resource === 'fee-rates' ? feeRates.getOne(String(params.id)) : restProvider.getOne(resource, params))) as DataProvider['getOne'],
  update: ((resource, params) =>
    resource === 'fee-rates' ? feeRates.update(String(params.id), (params.data as { basisPoints?: number | null }).basisPoints) : restProvider.update(resource, params)) as DataProvider['update'],
  /** A create whose form carries `meta.idempotencyKey` sends it as Idempotency-Key (group buys, envelopes). */
  create: (async (resource: string, params: CreateParams) => {
    const idempotencyKey = (params.meta as { idempotencyKey?: string } | undefined)?.idempotencyKey;
    if (!idempotencyKey) return restProvider.create(resource, params);
    const { json } = await httpClient(`${API_URL}/${resource}`, { method: 'POST', body: JSON.stringify(params.data), headers: new Headers({ 'Idempotency-Key': idempotencyKey }) });
    return { data: json };
  }) as DataProvider['create'],
  async subscribe(topic, callback) {
    realtime.subscribe(topic, callback);
    return { data: null };
  },
  async unsubscribe(topic, callback) {
    realtime.unsubscribe(topic, callback);
    return { data: null };
  },
  act: <T>(resource: string, id: string, verb: string, body: unknown = {}, headers: Record<string, string> = {}) =>
    apiJson<T>(`${API_URL}/${resource}/${encodeURIComponent(id)}/${verb}`, { method: 'POST', json: body, headers }).catch(toHttpError),
  read: <T>(path: string) => apiJson<T>(`${API_URL}/${path}`).catch(toHttpError),
  send: <T>(path: string, init: { method: string; json?: unknown; headers?: Record<string, string> }) => apiJson<T>(`${API_URL}/${path}`, init).catch(toHttpError),
};
