import { v7 as uuidv7, validate, version } from 'uuid';

/** Time-ordered ids (UUIDv7): unique without coordination and index-friendly, as they grow with time. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}
