import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { float16ToFloat32, float32ToFloat16Bytes } from '../Float16.ts';
import { detectModelLayout } from '../ModelLayout.ts';
import { ModelLayoutError } from '../ModelLayoutError.ts';
import { loadModelSessions } from '../ModelSessions.ts';
import { OnnxGraphBuilder } from './onnx/OnnxGraphBuilder.ts';
import { flatScript, writeTinyGenieModel, writeTinyRoberta } from './onnx/tinyGenieModel.ts';

const made: string[] = [];
function folder(options: Partial<Parameters<typeof writeTinyGenieModel>[1]> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'chorus-gsv-'));
  made.push(root);
  const dir = join(root, 'my-voice-model');
  writeTinyGenieModel(dir, { script: flatScript(16, 3), ...options });
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layoutError(dir: string): ModelLayoutError {
  try {
    detectModelLayout(dir);
  } catch (error) {
    if (error instanceof ModelLayoutError) return error;
    throw error;
  }
  throw new Error('expected a ModelLayoutError');
}

describe('detectModelLayout', () => {
  it('recognises a Genie v2 folder, its layers, logits tensors and weight storage', () => {
    const dir = folder({ layers: 3 });
    const layout = detectModelLayout(dir);
    expect(layout.kind).toBe('genie-v2');
    expect(layout.layerCount).toBe(3);
    expect(layout.modelWidth).toBe(8);
    expect(layout.stageDecoder.logitsTensor).toBe('/ar_predict_layer/MatMul_output_0');
    expect(layout.stageDecoder.weights).toEqual([expect.objectContaining({ file: join(dir, 't2s_shared_fp16.bin'), storage: 'float16', location: 't2s_stage_decoder_fp32_weights.bin' })]);
    expect(layout.firstStageDecoder.weights[0]!.file).toBe(join(dir, 't2s_shared_fp16.bin'));
    expect(layout.vits.weights[0]).toMatchObject({ file: join(dir, 'vits_fp16.bin'), storage: 'float16' });
    expect(layout.encoder.weights[0]).toMatchObject({ file: join(dir, 't2s_encoder_fp32.bin'), storage: 'float32' });
    expect(layout.hubert.path).toBe(join(dir, 'chinese-hubert-base.onnx'));
  });

  it('finds HuBERT in a sibling chinese-hubert-base folder', () => {
    const dir = folder({ hubert: 'sibling' });
    expect(detectModelLayout(dir).hubert.path).toBe(join(dir, '..', 'chinese-hubert-base', 'chinese-hubert-base.onnx'));
  });

  it('has no RoBERTa unless a roberta folder is in or beside the model; finds it in either place', () => {
    const dir = folder();
    expect(detectModelLayout(dir).roberta).toBeUndefined();
    writeTinyRoberta(join(dir, '..', 'chinese-roberta-wwm-ext-large'));
    expect(detectModelLayout(dir).roberta).toEqual({ model: join(dir, '..', 'chinese-roberta-wwm-ext-large', 'model.onnx'), tokenizer: join(dir, '..', 'chinese-roberta-wwm-ext-large', 'tokenizer.json') });
    const inside = folder();
    writeTinyRoberta(join(inside, 'RoBERTa'));
    expect(detectModelLayout(inside).roberta?.model).toBe(join(inside, 'RoBERTa', 'model.onnx'));
  });

  it('names what a RoBERTa folder lacks, and a RoBERTa path that does not exist', () => {
    const dir = folder();
    mkdirSync(join(dir, '..', 'roberta'));
    writeFileSync(join(dir, '..', 'roberta', 'model.onnx'), '');
    const error = layoutError(dir);
    expect(error.file).toBe(join(dir, '..', 'roberta'));
    expect(error.message).toMatch(/incomplete.*tokenizer\.json/);
    expect(() => detectModelLayout(dir, { robertaPath: join(dir, 'nowhere') })).toThrow(/nowhere does not exist/);
  });

  it.each(['t2s_stage_decoder_fp32.onnx', 'vits_fp32.onnx', 't2s_encoder_fp32.onnx'])('names a missing graph (%s)', (file) => {
    const error = layoutError(folder({ omit: [file] }));
    expect(error.file.endsWith(file)).toBe(true);
    expect(error.message).toContain(file);
    expect(error.message).toContain('models/README.md');
  });

  it('names the missing float16 weight file', () => {
    const error = layoutError(folder({ omit: ['t2s_shared_fp16.bin'] }));
    expect(error.file.endsWith('t2s_shared_fp16.bin')).toBe(true);
    expect(error.message).toContain('t2s_first_stage_decoder_fp32_weights.bin or t2s_shared_fp16.bin');
  });

  it('refuses weights of the wrong size (another model version)', () => {
    const dir = folder();
    const file = join(dir, 'vits_fp16.bin');
    truncateSync(file, statSync(file).size - 2);
    const error = layoutError(dir);
    expect(error.file).toBe(file);
    expect(error.message).toMatch(/different converter versions or model versions/);
  });

  it('says when HuBERT is missing and where it looked', () => {
    const error = layoutError(folder({ omit: ['chinese-hubert-base.onnx'] }));
    expect(error.message).toContain('chinese-hubert-base.onnx');
    expect(error.message).toContain('Looked in');
  });

  it('refuses a graph whose inputs are not the Genie ones', () => {
    const dir = folder();
    const g = new OnnxGraphBuilder();
    g.input('text', 'int64', [1, 'n']);
    g.op('Identity', ['text'], {}, 'audio');
    g.output('audio', 'int64', [1, 'n']);
    writeFileSync(join(dir, 'vits_fp32.onnx'), g.toBytes());
    const error = layoutError(dir);
    expect(error.file).toBe(join(dir, 'vits_fp32.onnx'));
    expect(error.message).toContain('"text_seq"');
  });

  it('refuses a corrupt graph file', () => {
    const dir = folder();
    writeFileSync(join(dir, 't2s_encoder_fp32.onnx'), Buffer.from([0x0a, 0xff, 0xff, 0x01]));
    expect(layoutError(dir).message).toContain('not a valid ONNX model');
  });

  it('refuses v2ProPlus and the official exporter layout with a reason', () => {
    const pro = folder();
    writeFileSync(join(pro, 'prompt_encoder_fp32.onnx'), new Uint8Array(1));
    expect(layoutError(pro).message).toContain('v2ProPlus');
    const official = folder();
    writeFileSync(join(official, 'nahida_t2s_fsdec.onnx'), new Uint8Array(1));
    expect(layoutError(official).message).toContain('onnx_export.py');
  });
});

describe('loadModelSessions', () => {
  it('widens float16 weights in memory and exposes the logits of both decoders', async () => {
    const dir = folder();
    const sessions = await loadModelSessions(detectModelLayout(dir), { intraOpThreads: 1 });
    try {
      expect(sessions.stageDecoder.outputNames).toContain('/ar_predict_layer/MatMul_output_0');
      expect(sessions.firstStageDecoder.outputNames).toContain('/ar_predict_layer/MatMul_output_0');
      expect(sessions.roberta).toBeUndefined();
      // int8 is the default, but this tiny decoder has no transformer weights to quantise: float32, said so.
      expect(sessions.decoder.weights).toBe('float32');
      // The vocoder's per-token level table came from vits_fp16.bin: token 5 → (5 % 9 − 4) / 10 = 0.1.
      const out = await sessions.vits.run({
        text_seq: new ort.Tensor('int64', BigInt64Array.from([1n]), [1, 1]),
        pred_semantic: new ort.Tensor('int64', BigInt64Array.from([5n, 9n]), [1, 1, 2]),
        ref_audio: new ort.Tensor('float32', new Float32Array(10), [1, 10]),
      });
      const audio = out.audio!.data as Float32Array;
      expect(audio.length).toBe(2560);
      expect(audio[0]).toBeCloseTo(0.1, 3);
      expect(audio[2559]).toBeCloseTo(-0.4, 3);
    } finally {
      await sessions.release();
    }
  });
});

describe('loadModelSessions with a RoBERTa', () => {
  it('loads it beside the model and refuses a broken one with its name', async () => {
    const dir = folder();
    writeTinyRoberta(join(dir, '..', 'roberta'), 'characters');
    const sessions = await loadModelSessions(detectModelLayout(dir), { intraOpThreads: 1 });
    try {
      expect(sessions.roberta).toBeDefined();
    } finally {
      await sessions.release();
    }
    writeFileSync(join(dir, '..', 'roberta', 'model.onnx'), 'not a graph');
    const error = await loadModelSessions(detectModelLayout(dir), { intraOpThreads: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLayoutError);
    expect((error as ModelLayoutError).file).toBe(join(dir, '..', 'roberta', 'model.onnx'));
  });
});

describe('float16 conversion', () => {
  it('native and table paths agree and round-trip float16-exact values', () => {
    const values = Float32Array.from([0, -0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, 0.1, -1000.25]);
    const bytes = float32ToFloat16Bytes(values);
    const viaTable = float16ToFloat32(bytes, false);
    expect(Array.from(float16ToFloat32(bytes, true))).toEqual(Array.from(viaTable));
    expect(Array.from(viaTable.subarray(0, 7))).toEqual(Array.from(values.subarray(0, 7)));
    expect(viaTable[7]).toBeCloseTo(0.1, 3);
  });
});
