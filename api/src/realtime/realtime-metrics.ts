import type { FastifyInstance } from 'fastify';
import type { RealtimeHub, RealtimeStats } from './realtime-hub.ts';

/**
 * The hub's figures on /metrics, read when Prometheus scrapes: open sockets and subscriptions (gauges),
 * and what was dropped, closed or caught up since the instance started (counters).
 */
export function registerRealtimeMetrics(app: FastifyInstance, hub: RealtimeHub): void {
  const { Gauge, Counter } = app.metrics.client;
  const gauge = (name: string, help: string, read: (stats: RealtimeStats) => number) =>
    new Gauge({
      name,
      help,
      collect() {
        this.set(read(hub.stats()));
      },
    });
  const counter = (name: string, help: string, read: (stats: RealtimeStats) => number) =>
    new Counter({
      name,
      help,
      collect() {
        this.reset();
        this.inc(read(hub.stats()));
      },
    });
  gauge('minishop_realtime_sockets', 'Open GET /ws sockets on this instance.', (stats) => stats.connections);
  gauge('minishop_realtime_subscriptions', 'Topics followed by the sockets of this instance.', (stats) => stats.subscriptions);
  counter('minishop_realtime_slow_consumers_dropped_total', 'Sockets dropped (1013) because their send buffer passed REALTIME_MAX_BUFFERED_BYTES.', (stats) => stats.droppedSlowConsumers);
  counter('minishop_realtime_dead_sockets_closed_total', 'Sockets closed for not answering a heartbeat ping.', (stats) => stats.deadSocketsClosed);
  counter('minishop_realtime_subscriptions_caught_up_total', 'Subscriptions that caught up from the database after the Redis subscription came back.', (stats) => stats.caughtUp);
}
