import { useState } from 'preact/hooks';
import type { ShareTargetChoice } from '../share.ts';
import { type PanelOptions, errorText } from '../shared.tsx';

/** "Share": the sharing code (share.ts) loads only when pressed; says what happened (copied, or the link to copy). */
export function ShareButton({ options, target, label }: { options: PanelOptions; target: ShareTargetChoice; label: string }) {
  const { t } = options.i18n;
  const [note, setNote] = useState<{ text: string; url?: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const press = async () => {
    setBusy(true);
    setNote(null);
    try {
      const { share } = await import('../share.ts');
      const outcome = await share(options, target);
      if (outcome.status === 'copied') setNote({ text: t('linkCopied') });
      if (outcome.status === 'shown') setNote({ text: t('shareLinkLabel'), url: outcome.url });
    } catch (failure) {
      setNote({ text: errorText(failure), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" disabled={busy} onClick={press}>
        {label}
      </button>
      {note && (
        <p class={note.error ? 'error' : 'muted'} role={note.error ? 'alert' : 'status'}>
          {note.text}
          {note.url && <input readOnly value={note.url} aria-label={t('shareLinkLabel')} onFocus={(event) => (event.currentTarget as HTMLInputElement).select()} />}
        </p>
      )}
    </>
  );
}
