/*
 * A minimal reader for the parts of an ONNX model file the engine needs before onnxruntime sees it:
 * graph inputs/outputs (names, element types, shapes) and the initializers stored as external data
 * (where their bytes live). Reading the protobuf ourselves lets us check a model folder and build the
 * in-memory external-data buffers without creating a session, which would fail on a missing file with an
 * error a streamer cannot act on.
 *
 * Field numbers are those of onnx.proto (ModelProto.graph = 7, GraphProto.input = 11, …).
 */

export type OnnxElementType = 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool' | 'float16' | 'float64' | 'uint32' | 'uint64' | 'other';

/** A dimension: a number when fixed, a symbolic name when dynamic, null when unknown. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  readonly name: string;
  readonly elementType: OnnxElementType;
  /** Null when the graph does not declare a shape. */
  readonly shape: readonly OnnxDim[] | null;
}

export interface OnnxExternalInitializer {
  readonly name: string;
  readonly elementType: OnnxElementType;
  readonly dims: readonly number[];
  /** The `location` key: the file name the graph expects, relative to the model. */
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

export interface OnnxNodeInfo {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface OnnxModelInfo {
  /** Present only when asked for (`withNodes`): a graph's node list is large. */
  readonly nodes: readonly OnnxNodeInfo[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly externalInitializers: readonly OnnxExternalInitializer[];
  /** Number of initializers whose bytes are inside the model file. */
  readonly inlineInitializerCount: number;
  readonly opsetVersion: number | null;
}

export class OnnxParseError extends Error {}

const ELEMENT_TYPES: Readonly<Record<number, OnnxElementType>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

interface Field {
  readonly field: number;
  readonly wireType: number;
  /** Varint value (wire type 0) as a number; safe for every value we read (offsets < 2^53). */
  readonly value: number;
  /** Payload for wire type 2. */
  readonly bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function* fields(buffer: Uint8Array): Generator<Field> {
  let position = 0;
  const readVarint = (): number => {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      if (position >= buffer.length) throw new OnnxParseError('truncated varint');
      const byte = buffer[position++]!;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
      if (multiplier > 2 ** 70) throw new OnnxParseError('varint too long');
    }
  };
  while (position < buffer.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    switch (wireType) {
      case 0:
        yield { field, wireType, value: readVarint(), bytes: EMPTY };
        break;
      case 1:
        position += 8;
        yield { field, wireType, value: 0, bytes: EMPTY };
        break;
      case 2: {
        const length = readVarint();
        if (position + length > buffer.length) throw new OnnxParseError('truncated field');
        yield { field, wireType, value: 0, bytes: buffer.subarray(position, position + length) };
        position += length;
        break;
      }
      case 5:
        position += 4;
        yield { field, wireType, value: 0, bytes: EMPTY };
        break;
      default:
        throw new OnnxParseError(`unsupported wire type ${wireType}`);
    }
  }
  if (position !== buffer.length) throw new OnnxParseError('truncated message');
}

const decoder = new TextDecoder();
const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** Reads a repeated int64 that may be packed (wire type 2) or not. */
function pushInts(target: number[], f: Field): void {
  if (f.wireType === 0) {
    target.push(f.value);
    return;
  }
  for (const inner of fields(packedAsVarints(f.bytes))) target.push(inner.value);
}

/** Re-frames a packed varint run as a sequence of field-1 varints so `fields` can read it. */
function packedAsVarints(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const byte of bytes) {
    if (start) out.push(0x08);
    out.push(byte);
    start = (byte & 0x80) === 0;
  }
  return Uint8Array.from(out);
}

function parseValueInfo(bytes: Uint8Array): OnnxValueInfo {
  let name = '';
  let elementType: OnnxElementType = 'other';
  let shape: OnnxDim[] | null = null;
  for (const f of fields(bytes)) {
    if (f.field === 1) name = text(f.bytes);
    else if (f.field === 2) {
      for (const t of fields(f.bytes)) {
        if (t.field !== 1) continue; // tensor_type
        for (const tt of fields(t.bytes)) {
          if (tt.field === 1) elementType = ELEMENT_TYPES[tt.value] ?? 'other';
          else if (tt.field === 2) {
            shape = [];
            for (const d of fields(tt.bytes)) {
              if (d.field !== 1) continue;
              let dim: OnnxDim = null;
              for (const dd of fields(d.bytes)) {
                if (dd.field === 1) dim = dd.value;
                else if (dd.field === 2) dim = text(dd.bytes);
              }
              shape.push(dim);
            }
          }
        }
      }
    }
  }
  return { name, elementType, shape };
}

function parseNode(bytes: Uint8Array): OnnxNodeInfo {
  let name = '';
  let opType = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const f of fields(bytes)) {
    if (f.field === 1) inputs.push(text(f.bytes));
    else if (f.field === 2) outputs.push(text(f.bytes));
    else if (f.field === 3) name = text(f.bytes);
    else if (f.field === 4) opType = text(f.bytes);
  }
  return { name, opType, inputs, outputs };
}

function parseInitializer(bytes: Uint8Array): OnnxExternalInitializer | null {
  let name = '';
  let elementType: OnnxElementType = 'other';
  const dims: number[] = [];
  let external = false;
  const entries = new Map<string, string>();
  for (const f of fields(bytes)) {
    if (f.field === 1) pushInts(dims, f);
    else if (f.field === 2) elementType = ELEMENT_TYPES[f.value] ?? 'other';
    else if (f.field === 8) name = text(f.bytes);
    else if (f.field === 14) external = f.value === 1;
    else if (f.field === 13) {
      let key = '';
      let value = '';
      for (const e of fields(f.bytes)) {
        if (e.field === 1) key = text(e.bytes);
        else if (e.field === 2) value = text(e.bytes);
      }
      entries.set(key, value);
    }
  }
  if (!external) return null;
  const location = entries.get('location');
  if (location === undefined) throw new OnnxParseError(`initializer ${name} has external data without a location`);
  return {
    name,
    elementType,
    dims,
    location,
    offset: Number(entries.get('offset') ?? '0'),
    length: Number(entries.get('length') ?? '-1'),
  };
}

/** Parses an ONNX model's bytes. Throws OnnxParseError when the bytes are not an ONNX model. */
export function readOnnxModelInfo(model: Uint8Array, options: { withNodes?: boolean } = {}): OnnxModelInfo {
  let graph: Uint8Array | null = null;
  let opsetVersion: number | null = null;
  for (const f of fields(model)) {
    if (f.field === 7 && f.wireType === 2) graph = f.bytes;
    else if (f.field === 8 && f.wireType === 2) {
      let domain = '';
      let version = 0;
      for (const o of fields(f.bytes)) {
        if (o.field === 1) domain = text(o.bytes);
        else if (o.field === 2) version = o.value;
      }
      if (domain === '' || domain === 'ai.onnx') opsetVersion = version;
    }
  }
  if (graph === null) throw new OnnxParseError('no graph in the model');
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const externalInitializers: OnnxExternalInitializer[] = [];
  const initializerNames = new Set<string>();
  let inlineInitializerCount = 0;
  const nodes: OnnxNodeInfo[] = [];
  for (const f of fields(graph)) {
    if (f.wireType !== 2) continue;
    if (f.field === 1 && options.withNodes === true) nodes.push(parseNode(f.bytes));
    if (f.field === 11) inputs.push(parseValueInfo(f.bytes));
    else if (f.field === 12) outputs.push(parseValueInfo(f.bytes));
    else if (f.field === 5) {
      const init = parseInitializer(f.bytes);
      if (init === null) inlineInitializerCount++;
      else externalInitializers.push(init);
    }
  }
  for (const init of externalInitializers) initializerNames.add(init.name);
  // Old exporters list initializers among the graph inputs; those are not inputs a caller feeds.
  const realInputs = inputs.filter((i) => !initializerNames.has(i.name));
  return { nodes, inputs: realInputs, outputs, externalInitializers, inlineInitializerCount, opsetVersion };
}
