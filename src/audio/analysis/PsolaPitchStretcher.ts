import { yin, yinFrameLayout } from './Yin.ts';

export interface PitchStretchOptions {
  readonly sampleRate: number;
  /** Pivot of the stretch (Hz): a voiced frame at this F0 keeps its pitch. */
  readonly centreHz: number;
  /**
   * Multiplies every voiced frame's (with `factorBelow`, every higher frame's) distance from `centreHz` in
   * log-F0 (semitones): 1.5 turns a 6-semitone range into 9. Affine in log-F0, so the shape of each pitch
   * contour (Mandarin tones) is kept exactly.
   */
  readonly factor: number;
  /**
   * The factor for frames below `centreHz` when it differs from the one above (default `factor`): a voice
   * whose pitch reaches further up than down from its median (common in lively read speech) needs its upper
   * half stretched more than its lower half. Still affine in log-F0 on each side, continuous at the centre.
   */
  readonly factorBelow?: number;
  /** Lowest F0 tracked; also bounds the analysis window and the output delay. Default 50 Hz. */
  readonly minFrequencyHz?: number;
  /** Highest F0 tracked. Default 500 Hz. */
  readonly maxFrequencyHz?: number;
}

/** The output F0 is kept within these multiples of the input F0, whatever the factor asks for. */
const MAX_SHIFT_RATIO = 2;
/** Analysis and synthesis step in unvoiced stretches (fricatives, silence), seconds. */
const UNVOICED_STEP_SECONDS = 0.005;
const PITCH_HOP_SECONDS = 0.01;
/**
 * YIN's usual first-dip threshold picks the period; where nothing dips that low (fast-decaying tone ends of
 * a clean synthetic voice) the deepest dip below the fallback still counts as voiced: frames left
 * unstretched inside voicing would bend the contour. (A lenient first-dip threshold instead mistakes
 * formant ripples for the period.)
 */
const YIN_FALLBACK_THRESHOLD = 0.4;
/** Below this normalised correlation one period does not repeat the last: voicing is re-entered. */
const MIN_REPEAT_CORRELATION = 0.5;
/** Where YIN calls a frame unvoiced, voicing still continues while periods repeat at least this well. */
const MIN_CONTINUE_CORRELATION = 0.8;

/** A growable window onto an absolute-indexed sample stream; old samples can be dropped from the front. */
class SampleStore {
  #data = new Float32Array(4096);
  /** Absolute index of #data[0]. */
  #start = 0;
  #length = 0;

  get end(): number {
    return this.#start + this.#length;
  }

  append(samples: ArrayLike<number>): void {
    this.#reserve(this.#length + samples.length);
    for (let i = 0; i < samples.length; i += 1) this.#data[this.#length + i] = samples[i]!;
    this.#length += samples.length;
  }

  /** Extends the stream with zeros up to absolute index `end`. */
  extendTo(end: number): void {
    if (end <= this.end) return;
    const count = end - this.end;
    this.#reserve(this.#length + count);
    this.#data.fill(0, this.#length, this.#length + count);
    this.#length += count;
  }

  /** Sample at absolute index (0 outside what is stored). */
  at(index: number): number {
    const i = index - this.#start;
    return i >= 0 && i < this.#length ? this.#data[i]! : 0;
  }

  add(index: number, value: number): void {
    const i = index - this.#start;
    if (i >= 0 && i < this.#length) this.#data[i] = this.#data[i]! + value;
  }

  /** Copy of absolute range [from, to), which must be stored. */
  slice(from: number, to: number): Float32Array {
    return this.#data.slice(from - this.#start, to - this.#start);
  }

  /** View of absolute range [from, to); valid until the next append. */
  view(from: number, to: number): Float32Array {
    return this.#data.subarray(from - this.#start, to - this.#start);
  }

  /** Forgets samples before absolute index `index`. */
  dropBefore(index: number): void {
    const count = Math.min(this.#length, index - this.#start);
    if (count <= 0) return;
    this.#data.copyWithin(0, count, this.#length);
    this.#start += count;
    this.#length -= count;
  }

  #reserve(length: number): void {
    if (length <= this.#data.length) return;
    const grown = new Float32Array(Math.max(length, 2 * this.#data.length));
    grown.set(this.#data.subarray(0, this.#length));
    this.#data = grown;
  }
}

/**
 * Streaming TD-PSOLA pitch-range stretch (Moulines & Charpentier 1990) for clean, synthetic speech: YIN
 * finds the F0 of each 10 ms frame, analysis marks are placed one per period on the waveform's main peak
 * (every 5 ms where unvoiced), and two-period Hann-windowed grains are overlap-added at synthesis marks spaced
 * by the new period. The new F0 is centre·(F0/centre)^factor (with its own factor below the centre, if
 * given), so the spectral envelope (formants) and the timing stay, and only the pitch range changes. Chunk boundaries make no difference: the output is a
 * function of the input stream alone; it lags the input by ≈ 5 of the longest periods plus one analysis
 * window (≈ 0.14 s at 50 Hz), which `flush` releases at the end.
 */
export class PsolaPitchStretcher {
  readonly #rate: number;
  readonly #centreHz: number;
  readonly #exponent: number;
  readonly #exponentBelow: number;
  readonly #minHz: number;
  readonly #maxHz: number;
  readonly #hop: number;
  readonly #frameSamples: number;
  readonly #unvoicedStep: number;
  /** Longest grain half-length: no grain reaches further than this from its mark. */
  readonly #maxHalf: number;

  readonly #input = new SampleStore();
  readonly #output = new SampleStore();
  /** Raw YIN F0 per frame (0 = unvoiced), frame k reading input [k·hop, k·hop + frameSamples). */
  readonly #rawF0: number[] = [];
  /** Analysis marks: position (absolute sample), period (samples), F0 (0 = unvoiced). */
  readonly #markPosition: number[] = [0];
  readonly #markPeriod: number[];
  readonly #markF0: number[] = [0];
  /** Next synthesis mark (absolute, fractional) and the analysis mark nearest the previous one. */
  #synthesisAt = 0;
  #nearest = 0;
  /** Output samples before this absolute index have been returned. */
  #emitted = 0;
  #inputLength = 0;
  #flushed = false;

  constructor(options: PitchStretchOptions) {
    const factorBelow = options.factorBelow ?? options.factor;
    if (!(options.centreHz > 0) || !Number.isFinite(options.factor) || options.factor <= 0 || !Number.isFinite(factorBelow) || factorBelow <= 0) {
      throw new RangeError(`Pitch stretch needs a positive centre and factors (got ${options.centreHz} Hz, ×${options.factor} above, ×${factorBelow} below).`);
    }
    this.#rate = options.sampleRate;
    this.#centreHz = options.centreHz;
    this.#exponent = options.factor - 1;
    this.#exponentBelow = factorBelow - 1;
    this.#minHz = options.minFrequencyHz ?? 50;
    this.#maxHz = options.maxFrequencyHz ?? 500;
    const layout = yinFrameLayout(this.#rate, { minFrequencyHz: this.#minHz, hopSeconds: PITCH_HOP_SECONDS });
    this.#hop = layout.hopSamples;
    this.#frameSamples = layout.frameSamples;
    this.#unvoicedStep = Math.max(1, Math.round(UNVOICED_STEP_SECONDS * this.#rate));
    this.#maxHalf = Math.max(this.#unvoicedStep, Math.ceil((1.5 * this.#rate) / this.#minHz) + 1);
    this.#markPeriod = [this.#unvoicedStep];
  }

  /** Samples the output lags behind the input at most (before `flush`). */
  get latencySamples(): number {
    return this.#frameSamples + 6 * this.#maxHalf;
  }

  /** Feeds a chunk; returns the output that is final so far (possibly empty). */
  process(samples: Float32Array): Float32Array {
    if (this.#flushed) throw new Error('PsolaPitchStretcher: process() after flush().');
    this.#input.append(samples);
    this.#inputLength += samples.length;
    this.#run();
    return this.#take(this.#finalUpTo());
  }

  /** Ends the stream: returns the rest of the output, so total output length equals total input length. */
  flush(): Float32Array {
    if (this.#flushed) return new Float32Array(0);
    this.#flushed = true;
    this.#input.extendTo(this.#inputLength + this.latencySamples + this.#frameSamples);
    this.#run();
    return this.#take(this.#inputLength);
  }

  #take(upTo: number): Float32Array {
    const end = Math.min(upTo, this.#inputLength);
    if (end <= this.#emitted) return new Float32Array(0);
    this.#output.extendTo(end);
    const out = this.#output.slice(this.#emitted, end);
    this.#emitted = end;
    this.#output.dropBefore(end);
    return out;
  }

  /** Output before this index receives no further grains. */
  #finalUpTo(): number {
    return Math.floor(this.#synthesisAt) - this.#maxHalf - 1;
  }

  #run(): void {
    this.#analysePitch();
    while (this.#placeNextMark());
    while (this.#synthesiseNextGrain());
    // Keep what later grains and marks can still read: grains reach back ≤ maxHalf from the nearest mark.
    const oldestNeeded = Math.min(this.#markPosition[this.#nearest]!, this.#synthesisAt) - 2 * this.#maxHalf;
    const keepFrom = Math.min(oldestNeeded, this.#rawF0.length * this.#hop);
    if (keepFrom > this.#rate) this.#input.dropBefore(keepFrom);
  }

  #analysePitch(): void {
    const first = this.#rawF0.length;
    const available = Math.floor((this.#input.end - this.#frameSamples) / this.#hop) + 1;
    if (available <= first) return;
    const from = first * this.#hop;
    const to = (available - 1) * this.#hop + this.#frameSamples;
    const f0 = yin(this.#input.view(from, to), this.#rate, { minFrequencyHz: this.#minHz, maxFrequencyHz: this.#maxHz, hopSeconds: PITCH_HOP_SECONDS, fallbackThreshold: YIN_FALLBACK_THRESHOLD });
    for (const hz of f0) this.#rawF0.push(hz);
  }

  /** Median of three neighbouring frames (drops one-frame voicing flickers and octave slips), or null if not yet known. */
  #f0At(position: number): number | null {
    const k = Math.max(0, Math.round((position - this.#frameSamples / 2) / this.#hop));
    if (k + 1 >= this.#rawF0.length) return null;
    const a = this.#rawF0[Math.max(0, k - 1)]!;
    const b = this.#rawF0[k]!;
    const c = this.#rawF0[k + 1]!;
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  #placeNextMark(): boolean {
    const last = this.#markPosition.length - 1;
    const position = this.#markPosition[last]!;
    const previousPeriod = this.#markPeriod[last]!;
    const f0 = this.#f0At(position + previousPeriod);
    if (f0 === null) return false;
    const wasVoiced = this.#markF0[last]! > 0;
    if (f0 <= 0 && !wasVoiced) {
      this.#pushMark(position + this.#unvoicedStep, this.#unvoicedStep, 0);
      return true;
    }
    let period = f0 > 0 ? this.#rate / f0 : previousPeriod;
    if (wasVoiced) {
      // Inside voicing: YIN's octave slips are folded back toward the last period, then the next mark is
      // the lag at which the waveform best repeats, so every mark sits on the same point of its cycle
      // (a largest-peak rule hops between formant ripples and jitters the output pitch). Where YIN gives up
      // (creaky, low tone ends) voicing continues as long as the waveform clearly keeps repeating.
      while (period > 1.5 * previousPeriod) period /= 2;
      while (period < previousPeriod / 1.5) period *= 2;
      const low = Math.max(2, Math.round(0.8 * period));
      const high = Math.round(1.2 * period);
      const half = Math.round(period / 2);
      if (position + high + half >= this.#input.end) return false;
      const lag = this.#bestRepeat(position, low, high, half, f0 > 0 ? MIN_REPEAT_CORRELATION : MIN_CONTINUE_CORRELATION);
      if (lag !== null) {
        this.#pushMark(position + lag, lag, this.#rate / lag);
        return true;
      }
      if (f0 <= 0) {
        this.#pushMark(position + this.#unvoicedStep, this.#unvoicedStep, 0);
        return true;
      }
    }
    // Entering voicing (or the waveform stopped repeating): the main peak within the next 0.5–1.5 periods.
    const low = Math.ceil(position + 0.5 * period);
    const high = Math.floor(position + 1.5 * period);
    if (high >= this.#input.end) return false;
    let best = low;
    for (let n = low + 1; n <= high; n += 1) if (this.#input.at(n) > this.#input.at(best)) best = n;
    this.#pushMark(best, Math.round(period), this.#rate / period);
    return true;
  }

  /** Lag in [low, high] maximising the normalised correlation of ±half samples around `position`, or null if weak. */
  #bestRepeat(position: number, low: number, high: number, half: number, minCorrelation: number): number | null {
    const input = this.#input;
    let energy = 0;
    for (let n = -half; n < half; n += 1) energy += input.at(position + n) ** 2;
    let bestLag = -1;
    let bestScore = minCorrelation;
    for (let lag = low; lag <= high; lag += 1) {
      let cross = 0;
      let lagged = 0;
      for (let n = -half; n < half; n += 1) {
        const y = input.at(position + lag + n);
        cross += input.at(position + n) * y;
        lagged += y * y;
      }
      const score = energy > 0 && lagged > 0 ? cross / Math.sqrt(energy * lagged) : 0;
      if (score > bestScore) {
        bestScore = score;
        bestLag = lag;
      }
    }
    return bestLag < 0 ? null : bestLag;
  }

  #pushMark(position: number, period: number, f0: number): void {
    this.#markPosition.push(position);
    this.#markPeriod.push(period);
    this.#markF0.push(f0);
  }

  #synthesiseNextGrain(): boolean {
    const at = this.#synthesisAt;
    const marks = this.#markPosition;
    // The nearest analysis mark is known once some mark lies beyond the synthesis mark; the grain also
    // needs the mark after the chosen one (its right half reaches there).
    while (this.#nearest + 1 < marks.length && marks[this.#nearest + 1]! <= at) this.#nearest += 1;
    if (this.#nearest + 1 >= marks.length) return false;
    let index = this.#nearest;
    if (marks[index + 1]! - at < at - marks[index]!) index += 1;
    if (index + 1 >= marks.length) return false;
    const source = marks[index]!;
    // Asymmetric Hann grain from the previous mark to the next: at ratio 1 the grains land on their own
    // marks and sum back to the input exactly, voiced or not.
    const left = index === 0 ? this.#unvoicedStep : source - marks[index - 1]!;
    const right = marks[index + 1]! - source;
    if (source + right > this.#input.end) return false;

    const f0 = this.#markF0[index]!;
    const exponent = f0 >= this.#centreHz ? this.#exponent : this.#exponentBelow;
    const ratio = f0 > 0 ? Math.min(MAX_SHIFT_RATIO, Math.max(1 / MAX_SHIFT_RATIO, (f0 / this.#centreHz) ** exponent)) : 1;
    const target = Math.round(at);
    this.#output.extendTo(target + right);
    this.#output.add(target, this.#input.at(source));
    for (let n = 1; n < left; n += 1) this.#output.add(target - n, (0.5 + 0.5 * Math.cos((Math.PI * n) / left)) * this.#input.at(source - n));
    for (let n = 1; n < right; n += 1) this.#output.add(target + n, (0.5 + 0.5 * Math.cos((Math.PI * n) / right)) * this.#input.at(source + n));
    this.#synthesisAt = at + right / ratio;
    return true;
  }
}
