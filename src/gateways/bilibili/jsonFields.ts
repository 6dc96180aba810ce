/** Lenient readers for Bilibili's JSON: fields move between numbers and numeric strings, and objects are sometimes JSON strings. */

export type JsonObject = Readonly<Record<string, unknown>>;

const EMPTY: JsonObject = Object.freeze({});

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested object, or an empty one; parses JSON-string objects (the server sends some that way). */
export function objectAt(source: unknown, key: string | number): JsonObject {
  const value = valueAt(source, key);
  if (isJsonObject(value)) return value;
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isJsonObject(parsed)) return parsed;
    } catch {
      // a broken embedded object reads as empty
    }
  }
  return EMPTY;
}

export function arrayAt(source: unknown, key: string | number): readonly unknown[] {
  const value = valueAt(source, key);
  return Array.isArray(value) ? value : [];
}

export function numberAt(source: unknown, key: string | number, fallback = 0): number {
  const value = valueAt(source, key);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return fallback;
}

export function stringAt(source: unknown, key: string | number, fallback = ''): string {
  const value = valueAt(source, key);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return fallback;
}

export function hasValue(source: unknown, key: string | number): boolean {
  const value = valueAt(source, key);
  return value !== undefined && value !== null && value !== '';
}

function valueAt(source: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(source) ? source[key] : undefined;
  return isJsonObject(source) ? source[key] : undefined;
}
