import type { FormObject, FormValue } from './form-encoding.ts';
import { invalidParameter } from './stripe-api-errors.ts';

/** Reading form parameters the way Stripe's API checks them, with Stripe's error codes and messages. */
export function rejectUnknownParameters(parameters: FormObject, allowed: readonly string[]): void {
  for (const name of Object.keys(parameters)) {
    if (!allowed.includes(name)) throw invalidParameter('parameter_unknown', `Received unknown parameter: ${name}`, name);
  }
}

function scalar(parameters: FormObject, name: string): string | undefined {
  const value = parameters[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParameter('parameter_invalid_string', `Invalid string: ${JSON.stringify(value)}`, name);
  return value;
}

export function requiredString(parameters: FormObject, name: string): string {
  const value = scalar(parameters, name);
  if (value === undefined || value === '') throw invalidParameter('parameter_missing', `Missing required param: ${name}.`, name);
  return value;
}

export function optionalString(parameters: FormObject, name: string): string | null {
  const value = scalar(parameters, name);
  return value === undefined || value === '' ? null : value;
}

export function optionalInteger(parameters: FormObject, name: string): number | null {
  const value = scalar(parameters, name);
  if (value === undefined) return null;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw invalidParameter('parameter_invalid_integer', `Invalid integer: ${value}`, name);
  return Number(value);
}

export function requiredPositiveInteger(parameters: FormObject, name: string): number {
  const value = optionalInteger(parameters, name);
  if (value === null) throw invalidParameter('parameter_missing', `Missing required param: ${name}.`, name);
  if (value <= 0) throw invalidParameter('parameter_invalid_integer', 'This value must be greater than or equal to 1.', name);
  return value;
}

export function optionalBoolean(parameters: FormObject, name: string): boolean | null {
  const value = scalar(parameters, name);
  if (value === undefined) return null;
  if (value !== 'true' && value !== 'false') throw invalidParameter('parameter_invalid_boolean', `Invalid boolean: ${value}`, name);
  return value === 'true';
}

export function optionalObject(parameters: FormObject, name: string): FormObject | null {
  const value: FormValue | undefined = parameters[name];
  if (value === undefined || value === '') return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter('parameter_invalid_object', `Invalid object`, name);
  return value;
}

export function optionalStringList(parameters: FormObject, name: string): string[] | null {
  const value = parameters[name];
  if (value === undefined) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalidParameter('parameter_invalid_array', 'Invalid array', name);
  return value as string[];
}

const METADATA_MAX_KEYS = 50;
const METADATA_KEY_MAX_LENGTH = 40;
const METADATA_VALUE_MAX_LENGTH = 500;

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500; an empty value removes the key. */
export function metadataParameter(parameters: FormObject, previous: Record<string, string> = {}): Record<string, string> {
  const given = optionalObject(parameters, 'metadata');
  if (!given) return previous;
  const metadata = { ...previous };
  for (const [key, value] of Object.entries(given)) {
    const param = `metadata[${key}]`;
    if (typeof value !== 'string') throw invalidParameter('parameter_invalid_string', `Invalid string: ${JSON.stringify(value)}`, param);
    if (key.length > METADATA_KEY_MAX_LENGTH) {
      throw invalidParameter('parameter_invalid_string', `Metadata keys can have up to ${METADATA_KEY_MAX_LENGTH} characters, but you passed in a key that is ${key.length} characters.`, param);
    }
    if (value.length > METADATA_VALUE_MAX_LENGTH) {
      throw invalidParameter('parameter_invalid_string', `Metadata values can have up to ${METADATA_VALUE_MAX_LENGTH} characters, but you passed in a value that is ${value.length} characters.`, param);
    }
    if (value === '') delete metadata[key];
    else metadata[key] = value;
  }
  if (Object.keys(metadata).length > METADATA_MAX_KEYS) {
    throw invalidParameter('parameter_invalid_object', `You can have at most ${METADATA_MAX_KEYS} metadata keys.`, 'metadata');
  }
  return metadata;
}
