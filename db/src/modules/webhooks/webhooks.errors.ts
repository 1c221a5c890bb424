import { BusinessRuleError, ConflictError } from '../../errors.ts';

export class WebhookDeliveryPendingError extends ConflictError {
  constructor() {
    super('webhook_delivery_pending', 'This delivery is already scheduled; it will be sent at its next attempt.');
  }
}

export class WebhookEndpointDisabledError extends BusinessRuleError {
  constructor() {
    super('webhook_endpoint_disabled', 'The endpoint is disabled: enable it (PUT with status "enabled") before replaying its deliveries.');
  }
}
