import { join } from 'node:path';
import { createGptSovitsEngine } from '../GptSovitsEngine.ts';
import { EOS, flatScript, writeTinyGenieModel } from './onnx/tinyGenieModel.ts';
import { speechLikeClip } from './speechLikeClip.ts';
const dir = '/tmp/gsv-mem';
writeTinyGenieModel(join(dir, 'model'), { script: flatScript(1200, EOS), layers: 24, width: 512 });
const engine = await createGptSovitsEngine({ modelDir: join(dir, 'model'), threads: 1 });
const features = await engine.analyseVoice({ samples: speechLikeClip(6, 24000), sampleRate: 24000 }, '大家好，我是主播。', 'zh');
const sentences = [{ parts: [{ language: 'zh' as const, text: '谢谢大家的礼物！', pinyin: 'xie4 xie5 da4 jia1 de5 li3 wu4!' }] }];
for (let i = 1; i <= 1000; i++) {
  for await (const _ of engine.synthesize({ sentences, voice: { id: 'v', language: 'zh', features: { 'gpt-sovits': features } } })) void _;
  if (i % 200 === 0) console.log(i, 'rss MB', (process.memoryUsage().rss / 1e6).toFixed(0));
}
await engine.close();
