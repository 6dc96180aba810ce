import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../../util/ChorusError.ts';
import { ArDecoder, EOS_TOKEN, type ArDecodeOptions } from '../ArDecoder.ts';
import { exposeGraphOutput } from '../exposeGraphOutput.ts';
import { buildTinyDecoders, flatScript, setRow, VOCAB } from './onnx/tinyGenieModel.ts';

const TEXT_LENGTH = 3;
const PROMPTS = BigInt64Array.from([900n, 901n, 902n, 903n]);
const ROWS = 96;
const LOGITS = '/ar_predict_layer/MatMul_output_0';

/** Row of the script that decides generated token t. */
const rowOf = (t: number): number => TEXT_LENGTH + PROMPTS.length - 1 + t;

async function decoderFor(script: Float32Array, layerCount = 2): Promise<ArDecoder> {
  const graphs = buildTinyDecoders({ layers: layerCount, width: 8, rows: ROWS, script });
  const [firstStageDecoder, stageDecoder] = await Promise.all([
    ort.InferenceSession.create(exposeGraphOutput(graphs.firstStage, LOGITS)),
    ort.InferenceSession.create(exposeGraphOutput(graphs.stage, LOGITS)),
  ]);
  return new ArDecoder({ firstStageDecoder, stageDecoder, firstStageLogits: LOGITS, stageLogits: LOGITS, layerCount });
}

const x = (): ort.Tensor => new ort.Tensor('float32', new Float32Array(TEXT_LENGTH * 8).fill(0.25), [1, TEXT_LENGTH, 8]);
const decode = async (script: Float32Array, options: ArDecodeOptions = {}) => (await decoderFor(script)).decode(x(), PROMPTS, { seed: 1, ...options });

/** A script whose token t is `sequence[t]`, then EOS. */
function scripted(sequence: readonly number[]): Float32Array {
  const script = flatScript(ROWS, EOS_TOKEN);
  sequence.forEach((token, t) => setRow(script, rowOf(t), token));
  return script;
}

describe('ArDecoder', () => {
  it('stops at the stop token and returns exactly the generated tokens', async () => {
    const result = await decode(scripted([10, 11, 12, 13, 14]), { minTokens: 0 });
    expect(result.stopReason).toBe('eos');
    expect(Array.from(result.tokens)).toEqual([10, 11, 12, 13, 14]);
    expect(result.runs).toBe(6); // prefill + 5 steps, the last one drawing EOS
  });

  it('never returns prompt tokens, even when the first draw is the stop token', async () => {
    const result = await decode(flatScript(ROWS, EOS_TOKEN), { minTokens: 0 });
    expect(result.stopReason).toBe('eos');
    expect(result.tokens.length).toBe(0);
    const longer = await decode(scripted([7, 8]), { minTokens: 0 });
    expect(Array.from(longer.tokens)).toEqual([7, 8]);
    for (const token of longer.tokens) expect(PROMPTS.includes(BigInt(token))).toBe(false);
  });

  it('does not accept the stop token before the minimum number of tokens', async () => {
    const result = await decode(scripted([20, 21]), { minTokens: 6 });
    expect(result.stopReason).toBe('eos');
    expect(result.tokens.length).toBe(6);
    expect(Array.from(result.tokens.slice(0, 2))).toEqual([20, 21]);
    expect(result.tokens.includes(EOS_TOKEN)).toBe(false);
  });

  it('stops at the maximum length', async () => {
    const script = flatScript(ROWS, 0);
    for (let t = 0; t < 40; t++) setRow(script, rowOf(t), (t * 37) % 1000);
    const result = await decode(script, { maxTokens: 17, minTokens: 0 });
    expect(result.stopReason).toBe('max-length');
    expect(result.tokens.length).toBe(17);
    expect(Array.from(result.tokens)).toEqual(Array.from({ length: 17 }, (_, t) => (t * 37) % 1000));
  });

  it('stops a runaway repetition of one token and keeps a single copy', async () => {
    const script = flatScript(ROWS, 42);
    setRow(script, rowOf(0), 5);
    const result = await decode(script, { minTokens: 0, repetition: { maxPeriod: 8, maxRun: 20, maxRepeats: 6, minSpan: 24 } });
    expect(result.stopReason).toBe('repetition');
    expect(Array.from(result.tokens)).toEqual([5, 42]);
    expect(result.runs).toBe(21); // token 5, then 20 × 42 before the run was recognised
  });

  it('stops a repeating multi-token pattern', async () => {
    const script = flatScript(ROWS, 0);
    for (let t = 0; t < ROWS - rowOf(0); t++) setRow(script, rowOf(t), t < 2 ? 100 + t : [1, 2, 3][(t - 2) % 3]!);
    const result = await decode(script, { minTokens: 0, repetition: { maxPeriod: 8, maxRun: 50, maxRepeats: 6, minSpan: 24 } });
    expect(result.stopReason).toBe('repetition');
    expect(Array.from(result.tokens)).toEqual([100, 101, 1, 2, 3]);
  });

  it('is cancelled between steps by an AbortSignal', async () => {
    const controller = new AbortController();
    let steps = 0;
    const script = flatScript(ROWS, 0);
    for (let t = 0; t < 60; t++) setRow(script, rowOf(t), (t * 37) % 1000);
    const run = decode(script, { minTokens: 0, signal: controller.signal, onStep: () => { if (++steps === 3) controller.abort(); } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(steps).toBe(3);
  });

  it('samples reproducibly from a seed, and differently from another seed', async () => {
    const script = new Float32Array(ROWS * VOCAB); // all logits equal: every draw is random
    const options = { minTokens: 30, maxTokens: 30, sampling: { topK: 1024 } } as const;
    const a = await decode(script, { ...options, seed: 7 });
    const b = await decode(script, { ...options, seed: 7 });
    const c = await decode(script, { ...options, seed: 8 });
    expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
    expect(Array.from(a.tokens)).not.toEqual(Array.from(c.tokens));
    expect(new Set(a.tokens).size).toBeGreaterThan(20);
  });
});
