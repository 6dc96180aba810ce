import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { concatSamples } from '../../../src/audio/pcm.ts';

/** A reference recording the benchmark clones, decoded to 16 kHz mono float. */
export interface ReferenceVoice {
  readonly name: string;
  readonly sex: 'male' | 'female';
  /** False for references made by processing a recording (flagged in the table). */
  readonly human: boolean;
  readonly samples: Float32Array;
}

export const ANALYSIS_RATE = 16000;
const SPHINX = '/usr/share/pocketsphinx/test/data';
const ALSA = '/usr/share/sounds/alsa';
const PACKAGES = ['alsa-utils', 'pocketsphinx-testdata', 'sox'] as const;

/** Installs the Debian packages holding the recordings (and sox) when running as root; otherwise says what to install. */
export function ensureReferencePackages(): string | null {
  const missing = () => !existsSync(`${ALSA}/Front_Center.wav`) || !existsSync(`${SPHINX}/goforward.raw`) || !existsSync('/usr/bin/sox');
  if (!missing()) return null;
  if (process.getuid?.() === 0) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (!missing()) return null;
  }
  return `voice matching needs the Debian packages ${PACKAGES.join(', ')}: run sudo apt-get install -y ${PACKAGES.join(' ')}`;
}

function decode(path: string, raw: boolean, extraSoxEffects: readonly string[] = []): Float32Array {
  const input = raw ? ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-r', '16000', '-c', '1', path] : [path];
  const out = execFileSync('sox', ['-V1', ...input, '-t', 'raw', '-e', 'floating-point', '-b', '32', '-c', '1', '-', ...extraSoxEffects, 'rate', '-v', String(ANALYSIS_RATE)], {
    maxBuffer: 1 << 28,
  });
  return new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}

function join(parts: readonly Float32Array[]): Float32Array {
  return concatSamples(Float32Array, parts);
}

/** Five human speakers from Debian packages (four male, one female) and one sox-shifted voice (flagged). */
export function loadReferences(): ReferenceVoice[] {
  const alsaNames = ['Front_Center', 'Front_Left', 'Front_Right', 'Rear_Center', 'Rear_Left', 'Rear_Right', 'Side_Left', 'Side_Right'];
  const cards = ['001', '002', '003', '004', '005'].map((n) => `${SPHINX}/cards/${n}.wav`);
  return [
    { name: 'libri', sex: 'male', human: true, samples: join(['0870', '0880', '0890', '0920', '0930'].map((n) => decode(`${SPHINX}/librivox/sense_and_sensibility_01_austen_64kb-${n}.wav`, false))) },
    { name: 'cards', sex: 'male', human: true, samples: join(cards.map((path) => decode(path, false))) },
    { name: 'cmu', sex: 'male', human: true, samples: join(['goforward', 'numbers', 'something'].map((n) => decode(`${SPHINX}/${n}.raw`, true))) },
    { name: 'tidigits', sex: 'male', human: true, samples: decode(`${SPHINX}/tidigits/dhd.2934z.raw`, true) },
    { name: 'alsa', sex: 'female', human: true, samples: join(alsaNames.map((n) => decode(`${ALSA}/${n}.wav`, false))) },
    // Pitch and formants up 6 semitones: a higher, shorter-tract voice that is nobody in particular.
    { name: 'cards+6st', sex: 'female', human: false, samples: join(cards.map((path) => decode(path, false, ['pitch', '600']))) },
  ];
}
