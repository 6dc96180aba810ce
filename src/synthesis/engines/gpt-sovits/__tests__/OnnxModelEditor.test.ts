import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addInitializer, ELEMENT, OnnxModelEditor, tensorValueInfo } from '../OnnxModelEditor.ts';
import { readOnnxModelInfo } from '../OnnxModelInfo.ts';
import { OnnxGraphBuilder } from './onnx/OnnxGraphBuilder.ts';

/** y = (x + a) · 2, plus a dead branch z = x − b that no output needs. */
function model(): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.input('x', 'float32', [1, 3]);
  g.initializer('a', [3], Float32Array.from([1, 2, 3]));
  g.initializer('b', [3], Float32Array.from([5, 5, 5]));
  g.initializer('two', [1], Float32Array.from([2]));
  const sum = g.op('Add', ['x', 'a'], {}, 'sum', 'add');
  g.op('Sub', ['x', 'b'], {}, 'dead', 'sub');
  g.op('Mul', [sum, 'two'], {}, 'y', 'mul');
  g.output('y', 'float32', [1, 3]);
  return g.toBytes();
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run(feeds);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([name, tensor]) => [name, Array.from(tensor.data as Float32Array)]));
}

const x = (): ort.Tensor => new ort.Tensor('float32', Float32Array.from([10, 20, 30]), [1, 3]);

describe('OnnxModelEditor', () => {
  it('writes back a model that computes the same thing', async () => {
    const editor = new OnnxModelEditor(model());
    expect(editor.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs])).toEqual([
      ['add', 'Add', ['x', 'a'], ['sum']],
      ['sub', 'Sub', ['x', 'b'], ['dead']],
      ['mul', 'Mul', ['sum', 'two'], ['y']],
    ]);
    expect(await run(editor.toBytes(), { x: x() })).toEqual({ y: [22, 44, 66] });
  });

  it('prunes nodes and initializers no output needs', () => {
    const editor = new OnnxModelEditor(model());
    editor.prune();
    expect(editor.nodes.map((n) => n.name)).toEqual(['add', 'mul']);
    expect(editor.initializers.map((i) => i.name).sort()).toEqual(['a', 'two']);
  });

  it('rewires a graph: replaced nodes appended at the end are put back in dependency order', async () => {
    const editor = new OnnxModelEditor(model());
    // Replace `add` with x − a, appended after its consumer, and expose a new input and output.
    addInitializer(editor, 'c', ELEMENT.float32, [3], new Uint8Array(Float32Array.from([1, 1, 1]).buffer));
    editor.nodes = editor.nodes.filter((n) => n.name !== 'add');
    editor.nodes.push({ name: 'sub2', opType: 'Sub', domain: '', inputs: ['x', 'a'], outputs: ['sum'], attributes: [] });
    editor.nodes.push({ name: 'extra', opType: 'Add', domain: '', inputs: ['y', 'w'], outputs: ['z'], attributes: [] });
    editor.inputs.push({ name: 'w', bytes: tensorValueInfo('w', ELEMENT.float32, [1, 3]) });
    editor.outputs.push({ name: 'z', bytes: tensorValueInfo('z', ELEMENT.float32, [1, 'n']) });
    editor.prune();
    expect(editor.nodes.map((n) => n.name)).toEqual(['sub2', 'mul', 'extra']);
    const bytes = editor.toBytes();
    expect(readOnnxModelInfo(bytes).outputs.map((o) => [o.name, o.shape])).toEqual([['y', [1, 3]], ['z', [1, 'n']]]);
    const w = new ort.Tensor('float32', Float32Array.from([1, 1, 1]), [1, 3]);
    expect(await run(bytes, { x: x(), w })).toEqual({ y: [18, 36, 54], z: [19, 37, 55] });
  });
});
