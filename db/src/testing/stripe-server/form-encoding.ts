/**
 * Stripe's API takes `application/x-www-form-urlencoded` bodies with bracketed keys, exactly as the SDK
 * writes them: `metadata[order_id]=42`, `payment_method_types[0]=card`, `automatic_payment_methods[enabled]=true`.
 * This turns such a body back into the nested object the SDK started from (values stay strings).
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

function keySegments(key: string): string[] {
  const first = key.indexOf('[');
  if (first === -1) return [key];
  const segments = [key.slice(0, first)];
  for (const match of key.slice(first).matchAll(/\[([^\]]*)\]/g)) segments.push(match[1] ?? '');
  return segments;
}

/** Objects whose keys are exactly 0..n-1 were arrays on the client (the SDK writes `list[0]`, `list[1]`). */
function arraysFromIndexedObjects(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) converted[key] = arraysFromIndexedObjects(value[key] as FormValue);
  const isIndexed = keys.length > 0 && keys.every((key, index) => key === String(index));
  return isIndexed ? keys.map((key) => converted[key] as FormValue) : converted;
}

export function decodeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const segments = keySegments(key);
    let node = root;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        node[segment] = value;
        return;
      }
      const next = node[segment];
      if (typeof next !== 'object' || Array.isArray(next)) node[segment] = {};
      node = node[segment] as FormObject;
    });
  }
  return arraysFromIndexedObjects(root) as FormObject;
}

/** A stable text of the parameters, so that "same parameters" does not depend on the order they were sent in. */
export function canonicalParameters(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalParameters).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalParameters(value[key] as FormValue)}`).join(',')}}`;
}
