import { parsePhoneNumberFromString, type CountryCode as PhoneCountryCode } from 'libphonenumber-js/max';
import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { isCountryCode } from './countries.ts';
import { AddressBookFullError, AddressNotFoundError } from './fulfilment.errors.ts';
import type { Address, AddressInput, AddressSnapshot, AddressUpdateInput } from './fulfilment.schemas.ts';

/** How many addresses one shopper may keep: a home, a workplace, family; not a mailing list. */
export const ADDRESS_BOOK_LIMIT = 20;

/** The select list of an address snapshot as one json value, for checkout's first statement and order copies. */
export function addressSnapshotJsonSql(alias: string): string {
  return `json_build_object('recipient', ${alias}.recipient, 'phone', ${alias}.phone, 'line1', ${alias}.line1, 'line2', ${alias}.line2,
            'city', ${alias}.city, 'postalCode', ${alias}.postal_code, 'country', ${alias}.country,
            'position', case when ${alias}.latitude is null then null else json_build_object('latitude', ${alias}.latitude, 'longitude', ${alias}.longitude) end)`;
}

const ADDRESS_SELECT = `id, shopper_id as "shopperId", recipient, phone, line1, line2, city, postal_code as "postalCode", country,
  case when latitude is null then null else json_build_object('latitude', latitude, 'longitude', longitude) end as position,
  created_at as "createdAt", updated_at as "updatedAt"`;

/**
 * An address as typed, trimmed and checked beyond its schema: the country is an assigned one, and the
 * phone is a real number (libphonenumber's full metadata), read in that country unless it starts with
 * +, and kept in international format so a courier can call it from anywhere. The copy an order keeps.
 */
export function addressSnapshot(input: AddressInput, fieldPrefix = ''): AddressSnapshot {
  const errors: Record<string, string> = {};
  const country = isCountryCode(input.country) ? input.country : null;
  if (!country) errors[`${fieldPrefix}country`] = 'is not an ISO 3166-1 alpha-2 country code';
  const phone = parsePhoneNumberFromString(input.phone, (country ?? undefined) as PhoneCountryCode | undefined);
  if (!phone?.isValid()) errors[`${fieldPrefix}phone`] = `is not a valid phone number${country ? ` in ${country}` : ''} (start with + and the country code for another country)`;
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return {
    recipient: input.recipient.trim(),
    phone: (phone as NonNullable<typeof phone>).formatInternational(),
    line1: input.line1.trim(),
    line2: (input.line2 ?? '').trim(),
    city: input.city.trim(),
    postalCode: input.postalCode.trim().toUpperCase(),
    country: input.country,
    position: input.position ?? null,
  };
}

/**
 * A shopper's address book (`shopper_address`): every query filters by the signed-in shopper, so
 * another shopper's address does not exist for them (404).
 */
export class AddressBookService {
  constructor(private readonly database: Database) {}

  async list(actor: ShopperActor): Promise<Address[]> {
    const { rows } = await this.database.pool.query<Address>(`select ${ADDRESS_SELECT} from shopper_address where shopper_id = $1 order by created_at, id`, [actor.shopperId]);
    return rows;
  }

  async get(actor: ShopperActor, id: string): Promise<Address> {
    const address = await findAddress(this.database.pool, actor, id);
    if (!address) throw new AddressNotFoundError(id);
    return address;
  }

  async create(actor: ShopperActor, input: AddressInput): Promise<Address> {
    const address = addressSnapshot(input);
    // One statement: the limit is checked by the insert itself. Two concurrent creates at the limit can
    // both pass; the limit guards against abuse, not a business invariant, so that is acceptable.
    const { rows } = await this.database.pool.query<Address>(
      `insert into shopper_address (id, shopper_id, recipient, phone, line1, line2, city, postal_code, country, latitude, longitude)
       select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
        where (select count(*) from shopper_address where shopper_id = $2) < $12
       returning ${ADDRESS_SELECT}`,
      [newId(), actor.shopperId, ...addressValues(address), ADDRESS_BOOK_LIMIT],
    );
    if (!rows[0]) throw new AddressBookFullError(ADDRESS_BOOK_LIMIT);
    return rows[0];
  }

  /** Changes the fields given; `position: null` forgets the position. Orders placed before keep their copy. */
  async update(actor: ShopperActor, id: string, input: AddressUpdateInput): Promise<Address> {
    const current = await this.get(actor, id);
    const merged = addressSnapshot({
      recipient: input.recipient ?? current.recipient,
      phone: input.phone ?? current.phone,
      line1: input.line1 ?? current.line1,
      line2: input.line2 ?? current.line2,
      city: input.city ?? current.city,
      postalCode: input.postalCode ?? current.postalCode,
      country: input.country ?? current.country,
      position: input.position === undefined ? current.position : input.position,
    });
    const { rows } = await this.database.pool.query<Address>(
      `update shopper_address
          set recipient = $3, phone = $4, line1 = $5, line2 = $6, city = $7, postal_code = $8, country = $9, latitude = $10, longitude = $11,
              updated_at = now()
        where id = $1 and shopper_id = $2
       returning ${ADDRESS_SELECT}`,
      [id, actor.shopperId, ...addressValues(merged)],
    );
    if (!rows[0]) throw new AddressNotFoundError(id);
    return rows[0];
  }

  async remove(actor: ShopperActor, id: string): Promise<void> {
    const { rowCount } = await this.database.pool.query('delete from shopper_address where id = $1 and shopper_id = $2', [id, actor.shopperId]);
    if (!rowCount) throw new AddressNotFoundError(id);
  }
}

async function findAddress(queryable: Queryable, actor: ShopperActor, id: string): Promise<Address | null> {
  const { rows } = await queryable.query<Address>(`select ${ADDRESS_SELECT} from shopper_address where id = $1 and shopper_id = $2`, [id, actor.shopperId]);
  return rows[0] ?? null;
}

function addressValues(address: AddressSnapshot): unknown[] {
  return [
    address.recipient,
    address.phone,
    address.line1,
    address.line2,
    address.city,
    address.postalCode,
    address.country,
    address.position?.latitude ?? null,
    address.position?.longitude ?? null,
  ];
}
