// The library's browser entry: the code tables without the ~80 name translations the Node entry loads.
import countries from 'i18n-iso-countries/index.js';

/** An assigned ISO 3166-1 alpha-2 code, upper case (the schemas check the shape; this, the list). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countries.isValid(code);
}
