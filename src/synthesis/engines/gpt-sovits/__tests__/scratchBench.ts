import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeRandomWeights } from './onnx/randomGenieWeights.ts';
import { writeTinyHubert } from './onnx/tinyGenieModel.ts';
import { detectModelLayout } from '../ModelLayout.ts';
import { loadModelSessions } from '../ModelSessions.ts';
import { GptSovitsPipeline } from '../GptSovitsPipeline.ts';
import { ArDecoder } from '../ArDecoder.ts';
import { speechLikeClip } from './speechLikeClip.ts';
const FIX = '/work/shared/fixtures/genie-tts-v2/v2/Models';
const dir = '/tmp/gsv-bench';
if (!existsSync(join(dir, 'vits_fp16.bin'))) {
  mkdirSync(dir, { recursive: true });
  for (const f of ['t2s_encoder_fp32.onnx', 't2s_first_stage_decoder_fp32.onnx', 't2s_stage_decoder_fp32.onnx', 'vits_fp32.onnx']) copyFileSync(join(FIX, f), join(dir, f));
  writeRandomWeights(join(dir, 't2s_encoder_fp32.onnx'), join(dir, 't2s_encoder_fp32.bin'), 'float32', 1);
  writeRandomWeights(join(dir, 't2s_stage_decoder_fp32.onnx'), join(dir, 't2s_shared_fp16.bin'), 'float16', 2);
  writeRandomWeights(join(dir, 'vits_fp32.onnx'), join(dir, 'vits_fp16.bin'), 'float16', 3);
  writeTinyHubert(dir);
}
const threads = Number(process.argv[2] ?? 2);
let t = performance.now();
const sessions = await loadModelSessions(detectModelLayout(dir), { intraOpThreads: threads });
console.log('threads', threads, 'load ms', (performance.now() - t).toFixed(0), 'rss MB', (process.memoryUsage().rss / 1e6).toFixed(0));
const pipeline = new GptSovitsPipeline(sessions);
t = performance.now();
const features = await pipeline.analyse({ samples: speechLikeClip(5, 48000), sampleRate: 48000 }, '大家好，欢迎来到我的直播间。', 'zh');
console.log('register ms (tiny hubert)', (performance.now() - t).toFixed(0), 'prompts', features.promptTokens.length);
const sentence = { parts: [{ language: 'zh' as const, text: '今天的直播就到这里，感谢大家的支持和陪伴！', pinyin: 'jin1 tian1 de5 zhi2 bo1 jiu4 dao4 zhe4 li3, gan3 xie4 da4 jia1 de5 zhi1 chi2 he2 pei2 ban4!' }] };
const decoder = new ArDecoder({ firstStageDecoder: sessions.firstStageDecoder, stageDecoder: sessions.stageDecoder, firstStageLogits: sessions.layout.firstStageDecoder.logitsTensor, stageLogits: sessions.layout.stageDecoder.logitsTensor, layerCount: 24 });
for (let run = 0; run < 2; run++) {
  const steps: number[] = [];
  t = performance.now();
  const r = await pipeline.synthesizeSentence(sentence, features, { minTokens: 150, maxTokens: 150, maxTokensPerPhone: 100 }, 1);
  const total = performance.now() - t;
  console.log('run', run, 'tokens', r.tokens, 'total ms', total.toFixed(0), 'RTF', (total / (r.audio.length / 32000) / 1000).toFixed(2), 'rss', (process.memoryUsage().rss/1e6).toFixed(0));
}
// step timing alone
const x = new ort.Tensor('float32', new Float32Array(70 * 512), [1, 70, 512]);
const steps: number[] = [];
await decoder.decode(x, BigInt64Array.from(features.promptTokens, (v) => BigInt(v)), { minTokens: 150, maxTokens: 150, seed: 1, onStep: (ms) => steps.push(ms) });
const s = steps.slice(1);
console.log('prefill ms', steps[0]!.toFixed(0), 'step mean', (s.reduce((a, b) => a + b, 0) / s.length).toFixed(1), 'first10', (s.slice(0, 10).reduce((a, b) => a + b, 0) / 10).toFixed(1), 'last10', (s.slice(-10).reduce((a, b) => a + b, 0) / 10).toFixed(1));
t = performance.now();
await sessions.vits.run({ text_seq: new ort.Tensor('int64', new BigInt64Array(40), [1, 40]), pred_semantic: new ort.Tensor('int64', new BigInt64Array(150), [1, 1, 150]), ref_audio: new ort.Tensor('float32', new Float32Array(160000), [1, 160000]) });
console.log('vits 150 tok ms', (performance.now() - t).toFixed(0));
await sessions.release();
