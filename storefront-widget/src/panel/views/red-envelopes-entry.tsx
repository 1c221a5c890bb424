import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type PanelOptions, errorText } from '../shared.tsx';

type Props = { options: PanelOptions; currency: string; start: string | null };

/** Loads the red envelope screens (their own chunk: not needed on first paint) and shows them. */
export function RedEnvelopesEntry(props: Props) {
  const [View, setView] = useState<ComponentType<Props> | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    import('./red-envelopes/red-envelopes.tsx').then((module) => setView(() => module.RedEnvelopesView), (error: unknown) => setFailure(errorText(error)));
  }, []);
  if (failure) return <p class="error" role="alert">{failure}</p>;
  return View ? <View {...props} /> : <p role="status">{props.options.i18n.t('loading')}</p>;
}
