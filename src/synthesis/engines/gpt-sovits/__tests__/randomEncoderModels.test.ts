import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectModelLayout } from '../ModelLayout.ts';
import { loadModelSessions, type ModelSessions } from '../ModelSessions.ts';
import { SeededRandom } from '../SeededRandom.ts';
import { HUBERT_FILES, HUBERT_WIDTH, ROBERTA_FILES, ROBERTA_SPECIAL_TOKENS, ROBERTA_VOCAB_SIZE, ROBERTA_WIDTH, robertaVocabulary, writeRandomHubertBase, writeRandomRobertaLarge } from './onnx/randomEncoderModels.ts';
import { flatScript, writeTinyGenieModel } from './onnx/tinyGenieModel.ts';
import { speechLikeClip } from './speechLikeClip.ts';

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 2, extra: { session: { 'intra_op.allow_spinning': '0' } } };

const isFinite32 = (values: Float32Array): boolean => values.every((v) => Number.isFinite(v));

describe('writeRandomHubertBase', () => {
  let root: string;
  let sessions: ModelSessions;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'chorus-hubert-'));
    // A tiny Genie model with its HuBERT stand-in replaced by the full-size graph.
    writeTinyGenieModel(root, { script: flatScript(16, 3) });
    writeRandomHubertBase(root);
    sessions = await loadModelSessions(detectModelLayout(root), { intraOpThreads: 2 });
  });
  afterAll(async () => {
    await sessions?.release();
    rmSync(root, { recursive: true, force: true });
  });

  it('is detected as the Genie HuBERT: float32 offsets served from the float16 file', () => {
    const { hubert } = sessions.layout;
    expect(hubert.inputName).toBe('input_values');
    expect(hubert.weights).toEqual([expect.objectContaining({ location: HUBERT_FILES.weightsLocation, file: join(root, HUBERT_FILES.weights), storage: 'float16' })]);
    // HuBERT-base has about 94 M parameters.
    expect(hubert.weights[0]!.requiredBytes / 4).toBeGreaterThan(90e6);
    expect(hubert.weights[0]!.requiredBytes / 4).toBeLessThan(98e6);
  });

  // 3.6 s is a 3 s clip plus the pipeline's 0.6 s of padding; the odd length checks the rounding.
  it.each([16000 * 3.6, 16000 * 4 + 4321])('gives [1, 768, floor((N − 400) / 320) + 1] for N = %i, finite', async (samples) => {
    const audio = speechLikeClip(samples / 16000, 16000).subarray(0, samples);
    const padded = new Float32Array(samples);
    padded.set(audio);
    const out = await sessions.hubert.run({ input_values: new ort.Tensor('float32', padded, [1, samples]) });
    const ssl = out.last_hidden_state!;
    const frames = Math.floor((samples - 400) / 320) + 1;
    expect(ssl.dims).toEqual([1, HUBERT_WIDTH, frames]);
    expect(isFinite32(ssl.data as Float32Array)).toBe(true);

    // The encoder accepts it as ssl_content: one prompt token per two frames.
    const ids = new ort.Tensor('int64', BigInt64Array.from([1n, 2n, 3n]), [1, 3]);
    const bert = new ort.Tensor('float32', new Float32Array(3 * 1024), [3, 1024]);
    const encoded = await sessions.encoder.run({ ref_seq: ids, text_seq: ids, ref_bert: bert, text_bert: bert, ssl_content: ssl });
    expect(encoded.prompts!.dims).toEqual([1, Math.floor(frames / 2)]);
  });
});

describe('writeRandomRobertaLarge', () => {
  let root: string;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'chorus-bert-large-'));
    // Two of the 22 layers: the interface and the masking are what is checked here, and the full 1.2 GB of
    // weights would need that much free disk on every CI machine (the benchmark builds the full model).
    writeRandomRobertaLarge(root, 2, 2);
    // From the path: onnxruntime finds model.onnx.data beside the graph itself.
    session = await ort.InferenceSession.create(join(root, ROBERTA_FILES.graph), SESSION_OPTIONS);
  });
  afterAll(async () => {
    await session?.release();
    rmSync(root, { recursive: true, force: true });
  });

  const int64 = (values: readonly number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);
  async function hiddenStates(ids: readonly number[], mask: readonly number[] = ids.map(() => 1)): Promise<ort.Tensor> {
    const out = await session.run({ input_ids: int64(ids), attention_mask: int64(mask), token_type_ids: int64(ids.map(() => 0)) });
    return out.hidden_states!;
  }
  const randomIds = (count: number, seed: number): number[] => {
    const random = new SeededRandom(seed);
    return Array.from({ length: count }, () => 104 + Math.floor(random.next() * (ROBERTA_VOCAB_SIZE - 200)));
  };
  const maxDifference = (a: Float32Array, b: Float32Array, length: number): number => {
    let max = 0;
    for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    return max;
  };

  it.each([7, 33])('gives finite [1, T, 1024] hidden states for T = %i', async (tokens) => {
    const ids = [ROBERTA_SPECIAL_TOKENS['[CLS]'], ...randomIds(tokens - 2, tokens), ROBERTA_SPECIAL_TOKENS['[SEP]']];
    const states = await hiddenStates(ids);
    expect(states.dims).toEqual([1, tokens, ROBERTA_WIDTH]);
    expect(isFinite32(states.data as Float32Array)).toBe(true);
  });

  it('ignores masked positions: changing them leaves the unmasked outputs, unless unmasked', async () => {
    const kept = 6;
    const first = randomIds(10, 1);
    const second = [...first.slice(0, kept), ...randomIds(4, 2)];
    const mask = first.map((_, i) => (i < kept ? 1 : 0));
    const length = kept * ROBERTA_WIDTH;

    const maskedA = (await hiddenStates(first, mask)).data as Float32Array;
    const maskedB = (await hiddenStates(second, mask)).data as Float32Array;
    expect(maxDifference(maskedA, maskedB, length)).toBeLessThan(1e-4);

    // Without the mask the same change reaches the first positions through attention.
    const openA = (await hiddenStates(first)).data as Float32Array;
    const openB = (await hiddenStates(second)).data as Float32Array;
    expect(maxDifference(openA, openB, length)).toBeGreaterThan(1e-2);
  });

  it('writes a WordPiece tokenizer.json with BERT-Chinese special tokens and common Hanzi', () => {
    const tokenizer = JSON.parse(readFileSync(join(root, ROBERTA_FILES.tokenizer), 'utf8')) as { model: { type: string; unk_token: string; continuing_subword_prefix: string; vocab: Record<string, number> } };
    const { model } = tokenizer;
    expect(model).toMatchObject({ type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##' });
    const ids = Object.values(model.vocab);
    expect(ids).toHaveLength(ROBERTA_VOCAB_SIZE);
    expect(new Set(ids).size).toBe(ROBERTA_VOCAB_SIZE);
    expect(Math.max(...ids)).toBe(ROBERTA_VOCAB_SIZE - 1);
    for (const [token, id] of Object.entries(ROBERTA_SPECIAL_TOKENS)) expect(model.vocab[token]).toBe(id);
    for (const character of '的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会，。！？a1') expect(model.vocab[character]).toBeTypeOf('number');
    expect(robertaVocabulary()).toHaveLength(ROBERTA_VOCAB_SIZE);
  });
});
