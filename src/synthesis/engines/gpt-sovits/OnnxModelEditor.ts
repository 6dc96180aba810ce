/*
 * A small editor for ONNX model bytes, enough to rewrite the decoder graphs at load time: list, remove
 * and add nodes, graph inputs, outputs and initializers, then drop whatever no output needs any more.
 * Every field it does not edit is copied byte for byte. Field numbers are those of onnx.proto.
 */
import { OnnxParseError } from './OnnxModelInfo.ts';

export interface EditorNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Raw AttributeProto messages. */
  readonly attributes: readonly Uint8Array[];
}

interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

interface RawField {
  readonly field: number;
  readonly bytes: Uint8Array;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A protobuf varint's bytes. */
export function varint(value: number | bigint): number[] {
  // Negative int64 values are 10-byte two's complement varints.
  let n = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function lengthDelimited(field: number, payload: Uint8Array | string): Uint8Array {
  const body = typeof payload === 'string' ? utf8.encode(payload) : payload;
  return concatBytes([Uint8Array.from([...varint(field * 8 + 2), ...varint(body.length)]), body]);
}

function varintField(field: number, value: number | bigint): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)]);
}

/** Raw fields of a message, each with its complete encoding (key included). */
function rawFields(buffer: Uint8Array): Array<RawField & { payload: Uint8Array }> {
  const out: Array<RawField & { payload: Uint8Array }> = [];
  let position = 0;
  const readVarint = (): number => {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      const byte = buffer[position++];
      if (byte === undefined) throw new OnnxParseError('truncated varint');
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
  };
  while (position < buffer.length) {
    const start = position;
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    let payload = buffer.subarray(0, 0);
    if (wireType === 0) readVarint();
    else if (wireType === 1) position += 8;
    else if (wireType === 5) position += 4;
    else if (wireType === 2) {
      const length = readVarint();
      payload = buffer.subarray(position, position + length);
      position += length;
    } else throw new OnnxParseError(`unsupported wire type ${wireType}`);
    if (position > buffer.length) throw new OnnxParseError('truncated field');
    out.push({ field, bytes: buffer.subarray(start, position), payload });
  }
  return out;
}

/** The varint of a complete wire-type-0 field encoding (one-byte key, as for every field number < 16). */
function varintValue(encoded: Uint8Array): number {
  let value = 0;
  let multiplier = 1;
  for (let p = 1; p < encoded.length; p++) {
    value += (encoded[p]! & 0x7f) * multiplier;
    multiplier *= 128;
  }
  return value;
}

function nameOf(message: Uint8Array, field: number): string {
  const found = rawFields(message).find((f) => f.field === field);
  return found === undefined ? '' : text.decode(found.payload);
}

function parseNode(bytes: Uint8Array): EditorNode {
  let name = '';
  let opType = '';
  let domain = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: Uint8Array[] = [];
  for (const f of rawFields(bytes)) {
    if (f.field === 1) inputs.push(text.decode(f.payload));
    else if (f.field === 2) outputs.push(text.decode(f.payload));
    else if (f.field === 3) name = text.decode(f.payload);
    else if (f.field === 4) opType = text.decode(f.payload);
    else if (f.field === 5) attributes.push(f.payload);
    else if (f.field === 7) domain = text.decode(f.payload);
  }
  return { name, opType, domain, inputs, outputs, attributes };
}

function encodeNode(node: EditorNode): Uint8Array {
  return concatBytes([
    ...node.inputs.map((i) => lengthDelimited(1, i)),
    ...node.outputs.map((o) => lengthDelimited(2, o)),
    lengthDelimited(3, node.name),
    lengthDelimited(4, node.opType),
    ...node.attributes.map((a) => lengthDelimited(5, a)),
    ...(node.domain === '' ? [] : [lengthDelimited(7, node.domain)]),
  ]);
}

export const ELEMENT = { float32: 1, uint8: 2, int8: 3, int64: 7 } as const;

/** AttributeProto builders (type codes from onnx.proto: INT 2, INTS 7). */
export const attribute = {
  int(name: string, value: number): Uint8Array {
    return concatBytes([lengthDelimited(1, name), varintField(3, value), varintField(20, 2)]);
  },
  ints(name: string, values: readonly number[]): Uint8Array {
    return concatBytes([lengthDelimited(1, name), ...values.map((v) => varintField(8, v)), varintField(20, 7)]);
  },
};

/** The value of an INT attribute of a node, or undefined. */
export function intAttribute(node: EditorNode, name: string): number | undefined {
  for (const a of node.attributes) {
    const fields = rawFields(a);
    if (fields.some((f) => f.field === 1 && text.decode(f.payload) === name)) {
      const i = fields.find((f) => f.field === 3);
      if (i === undefined) return undefined;
      const value = varintValue(i.bytes);
      return value;
    }
  }
  return undefined;
}

/** A TensorProto with its data inline. */
export function tensorProto(name: string, elementType: number, dims: readonly number[], raw: Uint8Array): Uint8Array {
  return concatBytes([...dims.map((d) => varintField(1, d)), varintField(2, elementType), lengthDelimited(8, name), lengthDelimited(9, raw)]);
}

/** A ValueInfoProto for a tensor: fixed dims as numbers, symbolic dims as strings. */
export function tensorValueInfo(name: string, elementType: number, dims: ReadonlyArray<number | string>): Uint8Array {
  const shape = concatBytes(dims.map((d) => lengthDelimited(1, typeof d === 'number' ? varintField(1, d) : lengthDelimited(2, d))));
  const tensorType = concatBytes([varintField(1, elementType), lengthDelimited(2, shape)]);
  return concatBytes([lengthDelimited(1, name), lengthDelimited(2, lengthDelimited(1, tensorType))]);
}

export class OnnxModelEditor {
  nodes: EditorNode[] = [];
  initializers: NamedBytes[] = [];
  inputs: NamedBytes[] = [];
  outputs: NamedBytes[] = [];
  #valueInfo: NamedBytes[] = [];
  #modelFields: RawField[] = [];
  #graphFields: RawField[] = [];
  #opsets = new Map<string, number>();

  constructor(model: Uint8Array) {
    let sawGraph = false;
    for (const f of rawFields(model)) {
      if (f.field === 8) {
        let domain = '';
        let version = 0;
        for (const o of rawFields(f.payload)) {
          if (o.field === 1) domain = text.decode(o.payload);
          else if (o.field === 2) version = varintValue(o.bytes);
        }
        this.#opsets.set(domain, version);
        continue;
      }
      if (f.field !== 7) {
        this.#modelFields.push(f);
        continue;
      }
      sawGraph = true;
      for (const g of rawFields(f.payload)) {
        if (g.field === 1) this.nodes.push(parseNode(g.payload));
        else if (g.field === 5) this.initializers.push({ name: nameOf(g.payload, 8), bytes: g.payload });
        else if (g.field === 11) this.inputs.push({ name: nameOf(g.payload, 1), bytes: g.payload });
        else if (g.field === 12) this.outputs.push({ name: nameOf(g.payload, 1), bytes: g.payload });
        else if (g.field === 13) this.#valueInfo.push({ name: nameOf(g.payload, 1), bytes: g.payload });
        else this.#graphFields.push(g);
      }
    }
    if (!sawGraph) throw new OnnxParseError('ONNX model has no graph');
  }

  node(name: string): EditorNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  /** Declares an operator set (e.g. com.microsoft for onnxruntime's contrib operators). */
  useOpset(domain: string, version: number): void {
    if (!this.#opsets.has(domain)) this.#opsets.set(domain, version);
  }

  /**
   * Removes every node, initializer and value_info that no graph output needs. Run after rewiring so
   * replaced subgraphs and their weights do not reach onnxruntime.
   */
  prune(): void {
    const producer = new Map<string, EditorNode>();
    for (const node of this.nodes) for (const o of node.outputs) producer.set(o, node);
    const needed = new Set<string>();
    const keptNodes = new Set<EditorNode>();
    const work = this.outputs.map((o) => o.name);
    while (work.length > 0) {
      const name = work.pop()!;
      if (needed.has(name)) continue;
      needed.add(name);
      const node = producer.get(name);
      if (node === undefined || keptNodes.has(node)) continue;
      keptNodes.add(node);
      for (const input of node.inputs) if (input !== '') work.push(input);
    }
    const kept = this.nodes.filter((n) => keptNodes.has(n));
    this.initializers = this.initializers.filter((t) => needed.has(t.name));
    this.#valueInfo = this.#valueInfo.filter((v) => needed.has(v.name));
    this.nodes = this.#topologicalOrder(kept);
  }

  /** ONNX wants producers before consumers; rewrites append nodes at the end. Stable for sorted input. */
  #topologicalOrder(nodes: readonly EditorNode[]): EditorNode[] {
    const available = new Set<string>(['', ...this.inputs.map((i) => i.name), ...this.initializers.map((t) => t.name)]);
    const produced = new Set(nodes.flatMap((n) => n.outputs));
    const ordered: EditorNode[] = [];
    let pending = [...nodes];
    while (pending.length > 0) {
      const waiting: EditorNode[] = [];
      for (const node of pending) {
        // Inputs no node produces (outer-scope or missing) do not block; onnxruntime reports them.
        if (node.inputs.every((i) => available.has(i) || !produced.has(i))) {
          ordered.push(node);
          for (const o of node.outputs) available.add(o);
        } else waiting.push(node);
      }
      if (waiting.length === pending.length) throw new OnnxParseError('the edited graph has a cycle');
      pending = waiting;
    }
    return ordered;
  }

  toBytes(): Uint8Array {
    const graph = concatBytes([
      ...this.nodes.map((n) => lengthDelimited(1, encodeNode(n))),
      ...this.#graphFields.map((f) => f.bytes),
      ...this.initializers.map((t) => lengthDelimited(5, t.bytes)),
      ...this.inputs.map((v) => lengthDelimited(11, v.bytes)),
      ...this.outputs.map((v) => lengthDelimited(12, v.bytes)),
      ...this.#valueInfo.map((v) => lengthDelimited(13, v.bytes)),
    ]);
    const opsets = [...this.#opsets].map(([domain, version]) => lengthDelimited(8, concatBytes([...(domain === '' ? [] : [lengthDelimited(1, domain)]), varintField(2, version)])));
    return concatBytes([...this.#modelFields.map((f) => f.bytes), ...opsets, lengthDelimited(7, graph)]);
  }
}

/** Adds an initializer (inline data) to a graph being edited. */
export function addInitializer(editor: OnnxModelEditor, name: string, elementType: number, dims: readonly number[], raw: Uint8Array): void {
  editor.initializers.push({ name, bytes: tensorProto(name, elementType, dims, raw) });
}

export function int64Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
}
