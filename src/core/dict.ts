/**
 * Objects keyed by names that come from data (features, columns, categories, groups, rows).
 * A plain `{}` inherits `constructor`, `toString`, … and treats `__proto__` as its prototype, so a
 * column named `__proto__` would vanish and one named `constructor` would read a function. Build
 * such records with {@link dict} and read untrusted ones (parsed JSON, user input) with
 * {@link own}.
 */

/** An empty record without a prototype: every key, `__proto__` included, is an own property. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/** `rec[key]` when `key` is an own property of `rec`, else undefined (never an inherited value). */
export function own<T>(rec: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined
}
