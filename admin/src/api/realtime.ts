import { freshAccessToken, onSessionChange } from './session.ts';

/** One event of GET /ws (docs/realtime.md), in react-admin's realtime shape. */
export interface RealtimeEvent {
  topic: string;
  type: 'created' | 'updated' | 'deleted' | 'tracking' | 'snapshot';
  payload: { ids: string[]; status?: string; position?: { latitude: number; longitude: number } | null; [key: string]: unknown };
  eventId: string;
}
export type RealtimeCallback = (event: RealtimeEvent) => void;

const RECONNECT_DELAYS_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * The console's one WebSocket to GET /ws: authenticates with the staff access token (and again with each
 * refreshed token, before the old one expires), subscribes topics on demand, resumes each topic from the
 * last event id after a reconnect, and hands events to the callbacks of their topic.
 */
export class RealtimeConnection {
  private socket: WebSocket | null = null;
  private authenticated = false;
  private readonly callbacks = new Map<string, Set<RealtimeCallback>>();
  private readonly lastEventIds = new Map<string, string>();
  private attempt = 0;
  private closed = false;

  constructor(private readonly url: string) {
    onSessionChange((session) => {
      if (!session) return this.disconnect();
      if (this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'auth', token: session.accessToken });
    });
  }

  subscribe(topic: string, callback: RealtimeCallback): void {
    const existing = this.callbacks.get(topic);
    if (existing) {
      existing.add(callback);
      return;
    }
    this.callbacks.set(topic, new Set([callback]));
    if (this.authenticated) this.sendSubscribe(topic);
    else this.connect();
  }

  unsubscribe(topic: string, callback: RealtimeCallback): void {
    const existing = this.callbacks.get(topic);
    if (!existing) return;
    existing.delete(callback);
    if (existing.size > 0) return;
    this.callbacks.delete(topic);
    this.lastEventIds.delete(topic);
    if (this.authenticated) this.send({ type: 'unsubscribe', topic });
  }

  private sendSubscribe(topic: string): void {
    const lastEventId = this.lastEventIds.get(topic);
    this.send({ type: 'subscribe', topic, ...(lastEventId ? { lastEventId } : {}) });
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.socket || this.callbacks.size === 0) return;
    this.closed = false;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = async () => {
      const token = await freshAccessToken();
      if (!token) return socket.close();
      this.send({ type: 'auth', token });
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as Record<string, unknown>;
      if (data.type === 'authenticated') {
        if (!this.authenticated) {
          this.authenticated = true;
          this.attempt = 0;
          for (const topic of this.callbacks.keys()) this.sendSubscribe(topic);
        }
        return;
      }
      if (typeof data.topic !== 'string') return;
      if (typeof data.eventId === 'string') this.lastEventIds.set(data.topic, data.eventId);
      if (data.type === 'subscribed' || data.type === 'unsubscribed' || data.type === 'error') return;
      for (const callback of this.callbacks.get(data.topic) ?? []) callback(data as unknown as RealtimeEvent);
    };
    socket.onclose = () => {
      this.socket = null;
      this.authenticated = false;
      if (this.closed || this.callbacks.size === 0) return;
      const delay = RECONNECT_DELAYS_MS[Math.min(this.attempt++, RECONNECT_DELAYS_MS.length - 1)];
      setTimeout(() => this.connect(), delay);
    };
  }

  private disconnect(): void {
    this.closed = true;
    this.socket?.close();
  }
}

export const realtime = new RealtimeConnection(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
