/*
 * Rewrites an ONNX model so an intermediate tensor becomes an extra graph output. The Genie decoders
 * sample inside the graph with an unseeded RandomNormalLike and fixed top-k; exposing the raw logits
 * lets the engine sample in TypeScript (seedable, PyTorch-faithful) and ignore the in-graph sample.
 *
 * Protobuf allows appending repeated fields, so the graph message is copied unchanged with one more
 * `output` (GraphProto field 12) at its end; every other ModelProto field is copied byte for byte.
 */

function varint(value: number): number[] {
  const out: number[] = [];
  let n = value;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function lengthDelimited(field: number, payload: readonly number[] | Uint8Array): Uint8Array {
  const head = [...varint(field * 8 + 2), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

function readVarint(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0;
  let multiplier = 1;
  let position = start;
  for (;;) {
    const byte = bytes[position++];
    if (byte === undefined) throw new Error('truncated ONNX model');
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return [value, position];
    multiplier *= 128;
  }
}

/** Returns a copy of `model` whose graph also outputs `tensorName` as a float tensor of unknown shape. */
export function exposeGraphOutput(model: Uint8Array, tensorName: string): Uint8Array {
  const name = [...Buffer.from(tensorName, 'utf8')];
  // ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1: FLOAT}}}
  const valueInfo = [...lengthDelimited(1, name), ...lengthDelimited(2, lengthDelimited(1, [0x08, 0x01]))];
  const extraOutput = lengthDelimited(12, valueInfo);

  const parts: Uint8Array[] = [];
  let position = 0;
  let sawGraph = false;
  while (position < model.length) {
    const fieldStart = position;
    const [key, afterKey] = readVarint(model, position);
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (wireType === 0) position = readVarint(model, afterKey)[1];
    else if (wireType === 1) position = afterKey + 8;
    else if (wireType === 5) position = afterKey + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(model, afterKey);
      position = afterLength + length;
      if (field === 7) {
        sawGraph = true;
        const graph = model.subarray(afterLength, position);
        const combined = new Uint8Array(graph.length + extraOutput.length);
        combined.set(graph, 0);
        combined.set(extraOutput, graph.length);
        parts.push(lengthDelimited(7, combined));
        continue;
      }
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
    parts.push(model.subarray(fieldStart, position));
  }
  if (!sawGraph) throw new Error('ONNX model has no graph');
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
