import type { TranslationMessages } from 'react-admin';
import polyglotI18nProvider from 'ra-i18n-polyglot';
import english from './en.ts';

/** English at once; Simplified Chinese loaded on first use (its own chunk). */
export const i18nProvider = polyglotI18nProvider(
  (locale) => (locale === 'zh' ? import('./zh.ts').then((module) => module.default as unknown as TranslationMessages) : (english as TranslationMessages)),
  'en',
  [
    { locale: 'en', name: 'English' },
    { locale: 'zh', name: '简体中文' },
  ],
  { allowMissing: false },
);
