import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatSamples, int16ToFloat32 } from '../../audio/pcm.ts';
import { createLogger } from '../../log/createLogger.ts';
import { BuiltinEngine } from '../../synthesis/engines/builtin/BuiltinEngine.ts';
import { parseBuiltinVoiceProfile } from '../../synthesis/engines/builtin/BuiltinVoiceProfile.ts';
import { ToneEngine } from '../../synthesis/engines/tone/ToneEngine.ts';
import type { DecodedClip } from '../../audio/DecodedClip.ts';
import { VoiceRegistry } from '../../voices/VoiceRegistry.ts';
import { DEFAULT_VOICE } from '../DefaultVoice.ts';
import { RegistryVoiceChooser } from '../RegistryVoiceChooser.ts';

const owner = { platform: 'console', userId: 'local' } as const;
const logger = createLogger({ level: 'silent', format: 'json' });

async function speech(engine: BuiltinEngine, pinyin: string): Promise<DecodedClip> {
  const chunks: Int16Array[] = [];
  const sentences = [{ parts: [{ language: 'zh' as const, text: pinyin, pinyin }] }];
  for await (const chunk of engine.synthesize({ sentences, voice: DEFAULT_VOICE })) chunks.push(chunk.samples);
  return { samples: int16ToFloat32(concatSamples(Int16Array, chunks)), sampleRate: engine.sampleRate };
}

describe('RegistryVoiceChooser.resolve', () => {
  let dir: string;
  let registry: VoiceRegistry;
  let builtin: BuiltinEngine;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-chooser-'));
    registry = await VoiceRegistry.open(join(dir, 'db.sqlite'), join(dir, 'voices'));
    builtin = await BuiltinEngine.create({ workers: 1 });
  });
  afterAll(async () => {
    await builtin.close();
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prepares a voice registered under another engine once, stores it, and reuses it', async () => {
    const clip = await speech(builtin, 'da4 jia1 hao3, wo3 shi4 jin1 tian1 de5 zhu3 bo1, huan1 ying2 lai2 dao4 zhi2 bo1 jian1.');
    // Registered while the tone engine was configured: no builtin features yet.
    const tone = new ToneEngine();
    const voice = await registry.register({
      name: 'old', owner, scope: { kind: 'private' }, language: 'zh', transcript: '大家好', clip,
      features: { [tone.id]: await tone.analyseVoice() },
      consent: { confirmedBy: owner, confirmedAt: new Date(), statement: 'test' },
    });
    expect(voice.features.builtin).toBeUndefined();

    const chooser = new RegistryVoiceChooser(registry, builtin, logger);
    const [first, second] = await Promise.all([chooser.resolve(voice.id), chooser.resolve(voice.id)]);
    expect(parseBuiltinVoiceProfile(first.features.builtin)).not.toBeNull();
    expect(second.features.builtin).toEqual(first.features.builtin);

    const stored = await registry.get(voice.id);
    expect(stored?.features.builtin).toEqual(first.features.builtin);
    expect(stored?.features.tone).toEqual({});
    const storedAt = stored?.updatedAt.getTime();
    await chooser.resolve(voice.id);
    expect((await registry.get(voice.id))?.updatedAt.getTime()).toBe(storedAt);
  });

  it('falls back to the default voice for a deleted voice', async () => {
    const chooser = new RegistryVoiceChooser(registry, builtin, logger);
    expect(await chooser.resolve('missing-voice-id')).toBe(DEFAULT_VOICE);
  });
});
