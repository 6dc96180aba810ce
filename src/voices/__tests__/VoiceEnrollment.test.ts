import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecodedClip } from '../../audio/DecodedClip.ts';
import { float32ToInt16 } from '../../audio/pcm.ts';
import { encodeWav } from '../../audio/WavWriter.ts';
import { ClipRejectedError } from '../ClipRejectedError.ts';
import type { ConsentRecord, EngineFeatures } from '../Voice.ts';
import { VoiceAnalysisError, VoiceEnrollment, type EnrollmentRequest, type VoiceAnalyser } from '../VoiceEnrollment.ts';
import { VoiceInputError } from '../VoiceInputError.ts';
import { VoiceNameTakenError } from '../VoiceNameTakenError.ts';
import { VoiceRegistry } from '../VoiceRegistry.ts';
import { alice } from './voiceTestSupport.ts';

const SAMPLE_RATE = 24000;

/**
 * Speech-like test signal: a 140 Hz voice with harmonics, shaped into syllables (4 per second)
 * with short pauses between them, at a normal recording level.
 */
function speechLikeSamples(seconds: number, level = 0.3): Float32Array {
  const samples = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  for (let i = 0; i < samples.length; i += 1) {
    const t = i / SAMPLE_RATE;
    const phase = (t % 0.25) / 0.25; // 0.2 s syllables with 0.05 s gaps, like connected speech
    const syllable = phase < 0.8 ? Math.sin((Math.PI * phase) / 0.8) ** 0.3 : 0;
    const f0 = 140 * (1 + 0.05 * Math.sin(2 * Math.PI * 0.7 * t)); // gentle intonation
    let voice = 0;
    for (let h = 1; h <= 8; h += 1) voice += Math.sin(2 * Math.PI * f0 * h * t) / h;
    samples[i] = level * syllable * voice * 0.55;
  }
  return samples;
}

function wavBytes(samples: Float32Array): Uint8Array {
  return encodeWav(float32ToInt16(samples), SAMPLE_RATE, 1);
}

const consent: ConsentRecord = { confirmedBy: alice, confirmedAt: new Date('2025-03-04T05:06:07Z'), statement: 'This is my voice.' };

/** Stand-in until the builtin engine lands: derives real, checkable features from the conditioned clip. */
const levelAnalyser: VoiceAnalyser = {
  id: 'level',
  async analyseVoice(clip: DecodedClip, transcript: string, language): Promise<EngineFeatures[string]> {
    let sum = 0;
    for (const sample of clip.samples) sum += sample * sample;
    return { rms: Math.sqrt(sum / clip.samples.length), sampleRate: clip.sampleRate, transcript, language };
  },
};

let dir: string;
let voicesDir: string;
let registry: VoiceRegistry;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chorus-enroll-'));
  voicesDir = join(dir, 'voices');
  registry = await VoiceRegistry.open(join(dir, 'chorus.db'), voicesDir);
});

afterEach(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

function request(bytes: Uint8Array, overrides: Partial<EnrollmentRequest> = {}): EnrollmentRequest {
  return {
    bytes,
    name: 'Alice',
    transcript: 'Hello there, this is how I sound when I read the chat.',
    language: 'en',
    owner: alice,
    scope: { kind: 'private' },
    consent,
    ...overrides,
  };
}

async function expectNothingStored(): Promise<void> {
  expect(await registry.list({ includeUnavailable: true })).toEqual([]);
  expect((await readdir(voicesDir)).filter((name) => name !== '.staging')).toEqual([]);
  expect(await readdir(join(voicesDir, '.staging'))).toEqual([]);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('VoiceEnrollment', () => {
  it('registers a 5 s speech-like upload with the engines features, and stores the conditioned clip', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser] });
    const { voice, report, warnings } = await enrollment.enroll(request(wavBytes(speechLikeSamples(5))));

    expect(voice.name).toBe('Alice');
    expect(report.durationSeconds).toBeGreaterThan(3);
    expect(report.speechSeconds).toBeGreaterThanOrEqual(3);
    expect(warnings.every((problem) => report.problems.includes(problem))).toBe(true);

    const stored = await registry.get(voice.id);
    expect(stored).toEqual(voice);
    const features = stored?.features.level as { rms: number; sampleRate: number; transcript: string; language: string };
    expect(features.transcript).toBe('Hello there, this is how I sound when I read the chat.');
    expect(features.language).toBe('en');
    expect(features.rms).toBeGreaterThan(0.01);
    // The stored WAV is the clip the engine analysed: same rate and length.
    const wav = await readFile(join(voicesDir, voice.clipPath));
    expect(wav.readUInt32LE(24)).toBe(features.sampleRate);
    expect(voice.clipSeconds).toBeCloseTo((wav.length - 44) / 2 / features.sampleRate, 6);
    expect(voice.consent).toEqual(consent);
  });

  it('rejects random bytes as not-audio', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser] });
    const error = await rejection(enrollment.enroll(request(randomBytes(64 * 1024))));
    expect(error).toBeInstanceOf(ClipRejectedError);
    expect((error as ClipRejectedError).reason).toBe('not-audio');
    await expectNothingStored();
  });

  it('rejects an upload over the cap as too-large before looking at it', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser], maxUploadBytes: 100_000 });
    const valid = wavBytes(speechLikeSamples(5)); // 240 kB: fine audio, too big for this cap
    const error = await rejection(enrollment.enroll(request(valid)));
    expect((error as ClipRejectedError).reason).toBe('too-large');
    expect((error as Error).message).toMatch(/limit/);
    await expectNothingStored();
  });

  it('rejects a 1 s clip as too-short and a silent clip as silent', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser] });
    const short = await rejection(enrollment.enroll(request(wavBytes(speechLikeSamples(1)))));
    expect((short as ClipRejectedError).reason).toBe('too-short');
    const silent = await rejection(enrollment.enroll(request(wavBytes(new Float32Array(5 * SAMPLE_RATE)))));
    expect((silent as ClipRejectedError).reason).toBe('silent');
    await expectNothingStored();
  });

  it('rejects a heavily clipped clip as clipped and a 61 s clip as too-long', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser] });
    const overdriven = speechLikeSamples(5, 3).map((sample) => Math.max(-1, Math.min(1, sample)));
    const clipped = await rejection(enrollment.enroll(request(wavBytes(overdriven))));
    expect((clipped as ClipRejectedError).reason).toBe('clipped');
    const long = await rejection(enrollment.enroll(request(wavBytes(speechLikeSamples(61)))));
    expect((long as ClipRejectedError).reason).toBe('too-long');
    await expectNothingStored();
  });

  it('requires consent, a transcript and a free name', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser] });
    const bytes = wavBytes(speechLikeSamples(5));
    const noConsent = await rejection(enrollment.enroll(request(bytes, { consent: undefined })));
    expect(noConsent).toBeInstanceOf(VoiceInputError);
    expect((noConsent as VoiceInputError).code).toBe('voice-consent-missing');
    const noTranscript = await rejection(enrollment.enroll(request(bytes, { transcript: '  ' })));
    expect((noTranscript as VoiceInputError).code).toBe('voice-transcript-invalid');
    const longTranscript = await rejection(enrollment.enroll(request(bytes, { transcript: 'a'.repeat(501) })));
    expect((longTranscript as VoiceInputError).code).toBe('voice-transcript-invalid');
    await expectNothingStored();

    await enrollment.enroll(request(bytes));
    expect(await rejection(enrollment.enroll(request(bytes, { name: 'ALICE' })))).toBeInstanceOf(VoiceNameTakenError);
    expect(await registry.list()).toHaveLength(1);
  });

  it('inspect judges a clip without storing anything, and enroll registers the inspected clip as is', async () => {
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser] });
    const short = await rejection(enrollment.inspect(wavBytes(speechLikeSamples(1))));
    expect((short as ClipRejectedError).reason).toBe('too-short');
    expect(((await rejection(enrollment.inspect(randomBytes(4096)))) as ClipRejectedError).reason).toBe('not-audio');
    const inspected = await enrollment.inspect(wavBytes(speechLikeSamples(5)));
    expect(inspected.report.speechSeconds).toBeGreaterThanOrEqual(3);
    await expectNothingStored();

    const { bytes: _bytes, ...details } = request(new Uint8Array(0)) as EnrollmentRequest & { bytes: Uint8Array };
    const { voice, report } = await enrollment.enroll({ ...details, inspected });
    expect(report).toBe(inspected.report);
    expect(voice.clipSeconds).toBeCloseTo(inspected.clip.samples.length / inspected.clip.sampleRate, 6);
    expect(await registry.list()).toHaveLength(1);
  });

  it('stores nothing when an engine fails to analyse the clip', async () => {
    const failing: VoiceAnalyser = {
      id: 'broken',
      async analyseVoice(): Promise<never> {
        throw new Error('model file missing');
      },
    };
    const enrollment = new VoiceEnrollment({ registry, engines: [levelAnalyser, failing] });
    const error = await rejection(enrollment.enroll(request(wavBytes(speechLikeSamples(5)))));
    expect(error).toBeInstanceOf(VoiceAnalysisError);
    expect((error as VoiceAnalysisError).engineId).toBe('broken');
    await expectNothingStored();
  });
});
