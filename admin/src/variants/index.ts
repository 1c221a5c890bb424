import { lazy } from 'react';

/** Variants have no list of their own (they show on their product); its page holds the stock history. */
export default {
  // show (catalog.read), not edit: a clerk opens it to count stock; the form inside is for catalog.write.
  show: lazy(() => import('./VariantEdit.tsx')),
  create: lazy(() => import('./VariantCreate.tsx')),
  recordRepresentation: 'sku',
};
