import type { EngineFeatures } from './Voice.ts';

/*
 * Engine features are stored as JSON, but engines commonly return typed arrays (speaker embeddings,
 * reference spectrograms). Plain JSON.stringify would turn a Float32Array into {"0":…,"1":…} and
 * lose its type, so typed arrays are written as {"$typed": "<kind>", "base64": "…"} (little-endian,
 * compact) and revived on the way back.
 */

const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
} as const;

type TypedArrayKind = keyof typeof TYPED_ARRAYS;

function isKind(value: unknown): value is TypedArrayKind {
  return typeof value === 'string' && Object.hasOwn(TYPED_ARRAYS, value);
}

function kindOf(value: unknown): TypedArrayKind | undefined {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return undefined;
  const name = value.constructor.name;
  return isKind(name) ? name : undefined;
}

export function encodeFeatures(features: EngineFeatures): string {
  return JSON.stringify(features, (_key, value: unknown) => {
    const kind = kindOf(value);
    if (kind === undefined) return value;
    const view = value as ArrayBufferView;
    const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    return { $typed: kind, base64: bytes.toString('base64') };
  });
}

export function decodeFeatures(json: string): EngineFeatures {
  const parsed: unknown = JSON.parse(json, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    if (!isKind(record.$typed) || typeof record.base64 !== 'string') return value;
    const bytes = Buffer.from(record.base64, 'base64');
    const Kind = TYPED_ARRAYS[record.$typed];
    // Copy into a fresh, aligned buffer: Buffer.from may share a pool with arbitrary offset.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Kind(copy.buffer, 0, copy.byteLength / Kind.BYTES_PER_ELEMENT);
  });
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return parsed as EngineFeatures;
}
