import type { StoreApi } from './api.ts';

/** One message of GET /ws about an order (docs/realtime.md). */
export interface LiveMessage {
  topic: string;
  type: 'snapshot' | 'created' | 'updated' | 'tracking';
  eventId: string;
  payload: Record<string, unknown>;
}

/**
 * Follows an order over GET /ws: authenticates with the shopper's session, subscribes to the order's topic,
 * and after a dropped connection reconnects with a growing delay and resumes from the last event it
 * handled (`lastEventId`), so nothing is lost or repeated. Returns the function that stops following.
 */
export function followOrder(api: StoreApi, orderId: string, onMessage: (message: LiveMessage) => void): () => void {
  return followTopic(api, `resource/orders/${orderId}`, onMessage);
}

/** Follows any topic of GET /ws the shopper may see (an order, a group-buy team), as followOrder describes. */
export function followTopic(api: StoreApi, topic: string, onMessage: (message: LiveMessage) => void): () => void {
  let socket: WebSocket | null = null;
  let lastEventId: string | null = null;
  let stopped = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const reconnectLater = () => {
    if (stopped) return;
    timer = setTimeout(() => void connect(), Math.min(10_000, 500 * 2 ** attempt));
    attempt += 1;
  };

  const connect = async () => {
    let token: string;
    try {
      token = await api.accessToken();
    } catch {
      return reconnectLater();
    }
    if (stopped) return;
    const current = new WebSocket(`${api.base.replace(/^http/, 'ws')}/ws`);
    socket = current;
    current.onopen = () => current.send(JSON.stringify({ type: 'auth', token }));
    current.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as Omit<LiveMessage, "type"> & { type: string };
      if (message.type === 'authenticated') {
        attempt = 0;
        current.send(JSON.stringify({ type: 'subscribe', topic, ...(lastEventId ? { lastEventId } : {}) }));
        return;
      }
      if (message.topic !== topic || !message.eventId) return;
      lastEventId = message.eventId;
      if (['snapshot', 'created', 'updated', 'tracking'].includes(message.type)) onMessage(message as LiveMessage);
    };
    current.onclose = () => {
      if (socket === current) reconnectLater();
    };
  };

  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  };
}
