import { decimate } from './decimate.ts';
import { yin, yinFrameLayout } from './Yin.ts';

/** Which instants of a signal are voiced, from a YIN track; analyses restrict themselves to voiced frames. */
export interface VoicingTrack {
  /** Per-frame F0 in Hz (0 = unvoiced), `hopSeconds` apart, frame k centred at `firstCentreSeconds + k·hop`. */
  readonly f0: Float32Array;
  readonly hopSeconds: number;
  readonly firstCentreSeconds: number;
}

const ANALYSIS_RATE_HZ = 16000;

export function voicingTrack(samples: Float32Array, sampleRate: number, options: { readonly minFrequencyHz?: number; readonly maxFrequencyHz?: number } = {}): VoicingTrack {
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE_HZ));
  const rate = sampleRate / factor;
  const yinOptions = { minFrequencyHz: options.minFrequencyHz ?? 60, maxFrequencyHz: options.maxFrequencyHz ?? 500, hopSeconds: 0.01 };
  const f0 = yin(decimate(samples, factor), rate, yinOptions);
  const layout = yinFrameLayout(rate, yinOptions);
  return { f0, hopSeconds: layout.hopSamples / rate, firstCentreSeconds: layout.frameSamples / 2 / rate };
}

/** True when the voicing frame nearest to `seconds` is voiced. */
export function isVoicedAt(track: VoicingTrack, seconds: number): boolean {
  const index = Math.round((seconds - track.firstCentreSeconds) / track.hopSeconds);
  return index >= 0 && index < track.f0.length && track.f0[index]! > 0;
}
