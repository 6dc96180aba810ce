import { PsolaPitchStretcher } from '../../../audio/analysis/PsolaPitchStretcher.ts';
import { float32ToInt16, int16ToFloat32 } from '../../../audio/pcm.ts';
import { type BuiltinVoiceProfile, equaliserOf, type PitchStretch, pitchStretchOf } from './BuiltinVoiceProfile.ts';
import { StreamingEqualiser } from './StreamingEqualiser.ts';

export interface VoiceShaping {
  readonly pitchStretch: PitchStretch | null;
  /** Gains per 1/3-octave band, or null for no EQ. */
  readonly eqDb: readonly number[] | null;
}

/**
 * What a profile does to espeak's output after synthesis, chunk by chunk: the pitch-range stretch (if any),
 * then the static EQ (if any). The EQ's filter state runs on across sentences and pauses; the stretch holds
 * back ≈ 0.15 s of audio, released by `endSentence` (espeak ends every sentence in silence, so starting the
 * next one afresh is inaudible). The fit measures its renders through the same class, so what it reports is
 * what listeners get.
 */
export class StreamingVoiceShaper {
  readonly #sampleRate: number;
  readonly #stretch: PitchStretch | null;
  readonly #equaliser: StreamingEqualiser | null;
  #stretcher: PsolaPitchStretcher | null;

  constructor(shaping: VoiceShaping, sampleRate: number) {
    this.#sampleRate = sampleRate;
    this.#stretch = shaping.pitchStretch;
    this.#equaliser = shaping.eqDb === null ? null : new StreamingEqualiser(shaping.eqDb, sampleRate);
    this.#stretcher = this.#newStretcher();
  }

  /** The shaping a stored profile asks for (none for the stock voice). */
  static forProfile(profile: BuiltinVoiceProfile | null, sampleRate: number): StreamingVoiceShaper {
    return new StreamingVoiceShaper(profile === null ? { pitchStretch: null, eqDb: null } : { pitchStretch: pitchStretchOf(profile), eqDb: equaliserOf(profile) }, sampleRate);
  }

  /** True when the shaper changes nothing (stock voice, or a profile without stretch and EQ). */
  get isIdentity(): boolean {
    return this.#stretch === null && this.#equaliser === null;
  }

  /** Shapes a chunk; the result may be shorter (the stretch's look-ahead) or empty. */
  process(samples: Int16Array): Int16Array {
    if (this.isIdentity) return samples;
    return float32ToInt16(this.processFloat(int16ToFloat32(samples)));
  }

  /** Releases what the stretch still holds of the sentence (empty without a stretch). */
  endSentence(): Int16Array {
    return float32ToInt16(this.endSentenceFloat());
  }

  processFloat(samples: Float32Array): Float32Array {
    const stretched = this.#stretcher === null ? samples : this.#stretcher.process(samples);
    return this.#equaliser === null ? stretched : this.#equaliser.processFloat(stretched);
  }

  endSentenceFloat(): Float32Array {
    if (this.#stretcher === null) return new Float32Array(0);
    const tail = this.#stretcher.flush();
    this.#stretcher = this.#newStretcher();
    return this.#equaliser === null ? tail : this.#equaliser.processFloat(tail);
  }

  /** Shapes a whole render (one sentence or a calibration text) in one go. */
  shapeWhole(samples: Float32Array): Float32Array {
    const head = this.processFloat(samples.slice());
    const tail = this.endSentenceFloat();
    if (tail.length === 0) return head;
    const out = new Float32Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  }

  #newStretcher(): PsolaPitchStretcher | null {
    return this.#stretch === null ? null : new PsolaPitchStretcher({ sampleRate: this.#sampleRate, ...this.#stretch });
  }
}
