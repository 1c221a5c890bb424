import { useEffect } from 'react';
import { useDataProvider, useRefresh } from 'react-admin';
import type { MinishopDataProvider } from './api/dataProvider.ts';
import type { RealtimeEvent } from './api/realtime.ts';

/**
 * Follows a realtime topic (`resource/orders`, `resource/orders/<id>`) while the screen is open: every
 * event refetches what the screen shows (react-admin's refresh), and `onEvent` sees the event itself.
 */
export function useLiveTopic(topic: string | null, onEvent?: (event: RealtimeEvent) => void): void {
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const refresh = useRefresh();
  useEffect(() => {
    if (!topic) return;
    const callback = (event: RealtimeEvent) => {
      onEvent?.(event);
      if (event.type !== 'tracking' && event.type !== 'snapshot') refresh();
    };
    void dataProvider.subscribe(topic, callback);
    return () => void dataProvider.unsubscribe(topic, callback);
  }, [topic, dataProvider, refresh, onEvent]);
}
