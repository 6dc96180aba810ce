import type { DecodedClip } from '../../audio/DecodedClip.ts';
import type { RegisterVoiceInput } from '../VoiceRegistry.ts';
import type { VoiceOwner } from '../Voice.ts';

export const alice: VoiceOwner = { platform: 'discord', userId: '1001' };
export const bob: VoiceOwner = { platform: 'discord', userId: '1002' };
export const carol: VoiceOwner = { platform: 'discord', userId: '1003' };

/** A short 220 Hz tone: enough for the registry, which does not judge audio. */
export function toneClip(seconds = 0.25, sampleRate = 16000): DecodedClip {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i += 1) samples[i] = 0.5 * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
  return { samples, sampleRate };
}

export function voiceInput(owner: VoiceOwner, name: string, overrides: Partial<RegisterVoiceInput> = {}): RegisterVoiceInput {
  return {
    name,
    owner,
    scope: { kind: 'private' },
    language: 'en',
    transcript: 'The quick brown fox jumps over the lazy dog.',
    clip: toneClip(),
    features: { test: { embedding: [0.25, -0.5] } },
    consent: { confirmedBy: owner, confirmedAt: new Date('2025-01-02T03:04:05Z'), statement: 'This is my own voice.' },
    ...overrides,
  };
}
