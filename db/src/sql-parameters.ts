/**
 * Collects the values of one parameterised statement and hands out their placeholders, so that a
 * statement built from several fragments (a data-modifying CTE) numbers them correctly.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  /** `$n` for this value, cast when the type cannot be inferred from the context (e.g. `uuid[]`). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
