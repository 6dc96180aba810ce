/*
 * Builds small ONNX models for tests by writing the protobuf bytes directly (varints as the model editor writes them).
 * Field numbers follow onnx.proto: ModelProto{ir_version 1, graph 7, opset_import 8},
 * GraphProto{node 1, name 2, initializer 5, input 11, output 12}, NodeProto{input 1, output 2, name 3,
 * op_type 4, attribute 5}, TensorProto{dims 1, data_type 2, name 8, raw_data 9, external_data 13,
 * data_location 14}, AttributeProto{name 1, f 2, i 3, s 4, ints 8, type 20}.
 */
import { varint } from '../../OnnxModelEditor.ts';

export type ElementType = 'float32' | 'int64' | 'bool';
export type Dim = number | string;
export type AttributeValue = number | string | readonly number[] | { readonly float: number };

const TYPE_CODES: Readonly<Record<ElementType, number>> = { float32: 1, int64: 7, bool: 9 };

const key = (field: number, wireType: number): number[] => varint(field * 8 + wireType);
const intField = (field: number, value: number | bigint): number[] => [...key(field, 0), ...varint(value)];
function bytesField(field: number, payload: ArrayLike<number>): number[] {
  const out = [...key(field, 2), ...varint(payload.length)];
  for (let i = 0; i < payload.length; i++) out.push(payload[i]!);
  return out;
}
const stringField = (field: number, value: string): number[] => bytesField(field, Buffer.from(value, 'utf8'));

function valueInfo(name: string, type: ElementType, shape: readonly Dim[] | null): number[] {
  const dims = shape === null ? [] : [bytesField(2, shape.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d))))].flat();
  const tensorType = [...intField(1, TYPE_CODES[type]), ...dims];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

function attribute(name: string, value: AttributeValue): number[] {
  if (typeof value === 'number') return [...stringField(1, name), ...intField(3, value), ...intField(20, 2)];
  if (typeof value === 'string') return [...stringField(1, name), ...stringField(4, value), ...intField(20, 3)];
  if (Array.isArray(value)) return [...stringField(1, name), ...(value as number[]).flatMap((v) => intField(8, v)), ...intField(20, 7)];
  const f = Buffer.alloc(4);
  f.writeFloatLE((value as { float: number }).float);
  return [...stringField(1, name), ...key(2, 5), ...f, ...intField(20, 1)];
}

export interface ExternalPlacement {
  readonly location: string;
  readonly offset: number;
}

export class OnnxGraphBuilder {
  readonly #nodes: number[][] = [];
  readonly #initializers: number[][] = [];
  readonly #inputs: number[][] = [];
  readonly #outputs: number[][] = [];
  #counter = 0;

  input(name: string, type: ElementType, shape: readonly Dim[]): string {
    this.#inputs.push(valueInfo(name, type, shape));
    return name;
  }

  output(name: string, type: ElementType, shape: readonly Dim[] | null): string {
    this.#outputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** Stores a tensor in the model, or (with `external`) only its location, offset and length. */
  initializer(name: string, dims: readonly number[], data: Float32Array | BigInt64Array, external?: ExternalPlacement): string {
    const type = data instanceof Float32Array ? 'float32' : 'int64';
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let fields = [...dims.flatMap((d) => intField(1, d)), ...intField(2, TYPE_CODES[type]), ...stringField(8, name)];
    // concat, not push(...): a large tensor would overflow the call stack as spread arguments.
    if (external === undefined) fields = fields.concat(bytesField(9, raw));
    else {
      const entry = (k: string, v: string): number[] => bytesField(13, [...stringField(1, k), ...stringField(2, v)]);
      fields = fields.concat(entry('location', external.location), entry('offset', String(external.offset)), entry('length', String(raw.byteLength)), intField(14, 1));
    }
    this.#initializers.push(fields);
    return name;
  }

  constant(values: readonly number[] | Float32Array, dims: readonly number[] = [values.length], type: 'int64' | 'float32' = 'int64'): string {
    const name = `const_${this.#counter++}`;
    return this.initializer(name, dims, type === 'int64' ? BigInt64Array.from(Array.from(values), (v) => BigInt(v)) : Float32Array.from(values));
  }

  /** Adds a node; returns its outputs (fresh names unless given). */
  node(opType: string, inputs: readonly string[], outputs: number | readonly string[] = 1, attributes: Readonly<Record<string, AttributeValue>> = {}, name?: string): string[] {
    const outputNames = typeof outputs === 'number' ? Array.from({ length: outputs }, () => `t_${this.#counter++}`) : [...outputs];
    this.#nodes.push([
      ...inputs.flatMap((i) => stringField(1, i)),
      ...outputNames.flatMap((o) => stringField(2, o)),
      ...stringField(3, name ?? `${opType}_${this.#counter++}`),
      ...stringField(4, opType),
      ...Object.entries(attributes).flatMap(([k, v]) => bytesField(5, attribute(k, v))),
    ]);
    return outputNames;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, output?: string, name?: string): string {
    return this.node(opType, inputs, output === undefined ? 1 : [output], attributes, name)[0]!;
  }

  toBytes(opset = 17): Uint8Array {
    const graph = [
      ...this.#nodes.flatMap((n) => bytesField(1, n)),
      ...stringField(2, 'test-graph'),
      ...this.#initializers.flatMap((i) => bytesField(5, i)),
      ...this.#inputs.flatMap((i) => bytesField(11, i)),
      ...this.#outputs.flatMap((o) => bytesField(12, o)),
    ];
    return Uint8Array.from([...intField(1, 8), ...stringField(2, 'chorus-tests'), ...bytesField(7, graph), ...bytesField(8, [...stringField(1, ''), ...intField(2, opset)])]);
  }
}
