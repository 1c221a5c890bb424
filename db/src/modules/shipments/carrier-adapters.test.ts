import { describe, expect, it } from 'vitest';
import { AFTERSHIP_TAGS, afterShipAdapter, genericAdapter } from './carrier-adapters.ts';
import { signAfterShipPayload, signGenericPayload } from './carrier-signatures.ts';
import { CarrierPayloadError, CarrierSignatureError, CarrierTimestampError } from './shipments.errors.ts';

const secret = 'a-carrier-secret-of-some-length';
const now = new Date('2026-12-02T12:00:00Z');
const nowSeconds = now.getTime() / 1000;

function afterShipBody(tag: string, overrides: Record<string, unknown> = {}) {
  return {
    event: 'tracking_update',
    event_id: 'c6b1ef8e-8bd5-4b1a-9a1f-0c1b7f1b9a01',
    is_tracking_first_tag: false,
    ts: nowSeconds,
    msg: {
      id: 'tracking-1',
      tracking_number: '1Z999AA10123456784',
      slug: 'ups',
      tag,
      updated_at: '2026-12-02T11:59:00+00:00',
      expected_delivery: '2026-12-03T18:00:00+00:00',
      checkpoints: [
        { checkpoint_time: '2026-12-02T09:00:00+00:00', message: 'Picked up', tag: 'InTransit' },
        { checkpoint_time: '2026-12-02T11:30:00+00:00', message: 'Arrived at facility', tag, coordinates: [48.85, 2.35] },
      ],
      ...overrides,
    },
  };
}

describe('the AfterShip adapter', () => {
  it('maps every AfterShip delivery tag to our status', () => {
    const mapped = Object.fromEntries(Object.keys(AFTERSHIP_TAGS).map((tag) => [tag, afterShipAdapter.parse(afterShipBody(tag), 'aftership').status]));
    expect(mapped).toEqual({
      Pending: 'label_created',
      InfoReceived: 'confirmed',
      InTransit: 'in_transit',
      OutForDelivery: 'out_for_delivery',
      AttemptFail: 'attempted_delivery',
      Delivered: 'delivered',
      AvailableForPickup: 'ready_for_pickup',
      Exception: 'failure',
      Expired: 'delayed',
    });
  });

  it('takes the time, message and position of the latest checkpoint, the carrier slug and the expected delivery', () => {
    expect(afterShipAdapter.parse(afterShipBody('InTransit'), 'aftership')).toEqual({
      eventId: 'c6b1ef8e-8bd5-4b1a-9a1f-0c1b7f1b9a01',
      carrier: 'ups',
      trackingNumber: '1Z999AA10123456784',
      status: 'in_transit',
      happenedAt: new Date('2026-12-02T11:30:00Z'),
      message: 'Arrived at facility',
      position: { latitude: 48.85, longitude: 2.35 },
      etaAt: new Date('2026-12-03T18:00:00Z'),
    });
  });

  it('ignores tags it does not know and events that are not tracking updates', () => {
    expect(afterShipAdapter.parse(afterShipBody('Teleported'), 'aftership').status).toBeNull();
    expect(afterShipAdapter.parse({ ...afterShipBody('Delivered'), event: 'edd_revise' }, 'aftership').status).toBeNull();
  });

  it('refuses a payload without a tracking number, naming the field', () => {
    const body = afterShipBody('Delivered');
    delete (body.msg as Partial<typeof body.msg>).tracking_number;
    expect(() => afterShipAdapter.parse(body, 'aftership')).toThrowError(CarrierPayloadError);
  });

  it('verifies the base64 HMAC of the raw body and the age of ts', () => {
    const raw = Buffer.from(JSON.stringify(afterShipBody('Delivered')));
    expect(() => afterShipAdapter.verify(raw, { 'aftership-hmac-sha256': signAfterShipPayload(secret, raw) }, secret, 300, now)).not.toThrow();
    expect(() => afterShipAdapter.verify(raw, { 'aftership-hmac-sha256': signAfterShipPayload('another-secret-entirely', raw) }, secret, 300, now)).toThrowError(CarrierSignatureError);
    expect(() => afterShipAdapter.verify(raw, {}, secret, 300, now)).toThrowError(CarrierSignatureError);
    const old = Buffer.from(JSON.stringify({ ...afterShipBody('Delivered'), ts: nowSeconds - 301 }));
    expect(() => afterShipAdapter.verify(old, { 'aftership-hmac-sha256': signAfterShipPayload(secret, old) }, secret, 300, now)).toThrowError(CarrierTimestampError);
  });
});

describe('the generic signed format', () => {
  const body = { id: 'evt-1', trackingNumber: 'T-1', status: 'in_transit', happenedAt: '2026-12-02T11:00:00Z' };
  const raw = Buffer.from(JSON.stringify(body));

  it('accepts t=<unix>,v1=<hex HMAC of "t.body"> within the tolerance, also among several v1', () => {
    const header = signGenericPayload(secret, raw, nowSeconds);
    expect(() => genericAdapter.verify(raw, { 'minishop-carrier-signature': header }, secret, 300, now)).not.toThrow();
    const rotating = `${header},v1=${'0'.repeat(64)}`;
    expect(() => genericAdapter.verify(raw, { 'minishop-carrier-signature': rotating }, secret, 300, now)).not.toThrow();
  });

  it('refuses a changed body, a wrong secret, a missing header and a timestamp outside the tolerance', () => {
    const header = signGenericPayload(secret, raw, nowSeconds);
    const tampered = Buffer.from(JSON.stringify({ ...body, status: 'delivered' }));
    expect(() => genericAdapter.verify(tampered, { 'minishop-carrier-signature': header }, secret, 300, now)).toThrowError(CarrierSignatureError);
    expect(() => genericAdapter.verify(raw, { 'minishop-carrier-signature': signGenericPayload('wrong-secret-wrong-secret', raw, nowSeconds) }, secret, 300, now)).toThrowError(CarrierSignatureError);
    expect(() => genericAdapter.verify(raw, {}, secret, 300, now)).toThrowError(CarrierSignatureError);
    const old = signGenericPayload(secret, raw, nowSeconds - 301);
    expect(() => genericAdapter.verify(raw, { 'minishop-carrier-signature': old }, secret, 300, now)).toThrowError(CarrierTimestampError);
  });

  it('reads the event with the path\'s carrier unless it names one', () => {
    expect(genericAdapter.parse(body, 'acme')).toMatchObject({ eventId: 'evt-1', carrier: 'acme', trackingNumber: 'T-1', status: 'in_transit', position: null, etaAt: null });
    expect(genericAdapter.parse({ ...body, carrier: 'DHL' }, 'acme').carrier).toBe('DHL');
    expect(() => genericAdapter.parse({ ...body, status: 'teleported' }, 'acme')).toThrowError(CarrierPayloadError);
  });
});
