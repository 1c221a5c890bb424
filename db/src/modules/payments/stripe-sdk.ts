import type Stripe from 'stripe';
import { lazyModule } from '../../lazy-module.ts';

/** The Stripe SDK, loaded when the platform first talks to Stripe: about 20 MB resident saved until then. */
export const loadStripe = lazyModule<typeof Stripe>('stripe');
