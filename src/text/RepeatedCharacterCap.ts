export interface RepeatedCharacterCapOptions {
  /** Longest run of one character kept ("哈哈哈哈哈哈" → "哈哈哈哈"). Default 4. */
  readonly maxRun?: number;
  /** Most repeats kept of a repeated 2–3 character unit ("hahahahaha" → "hahaha"). Default 3. */
  readonly maxUnitRepeats?: number;
}

/**
 * Caps floods of one repeated character or short unit, so "6666666666" or "!!!!!!!!" costs a second of
 * speech instead of a minute. Works on code points, so emoji and surrogate pairs are never cut in half.
 */
export class RepeatedCharacterCap {
  readonly maxRun: number;
  readonly maxUnitRepeats: number;
  readonly #single: RegExp;
  readonly #unit: RegExp;

  constructor(options: RepeatedCharacterCapOptions = {}) {
    this.maxRun = Math.max(1, Math.floor(options.maxRun ?? 4));
    this.maxUnitRepeats = Math.max(1, Math.floor(options.maxUnitRepeats ?? 3));
    this.#single = new RegExp(String.raw`(.)\1{${this.maxRun},}`, 'gsu');
    this.#unit = new RegExp(String.raw`(.{2,3}?)\1{${this.maxUnitRepeats},}`, 'gsu');
  }

  apply(text: string): string {
    const maxRun = this.maxRun;
    const maxUnitRepeats = this.maxUnitRepeats;
    let out = text.replace(this.#single, (run: string, char: string, offset: number) =>
      // Zeros inside a number ("10000000") are its value, not a flood.
      /\d/.test(char) && /[\d.,]/.test(text[offset - 1] ?? '') ? run : char.repeat(maxRun),
    );
    out = out.replace(this.#unit, (run: string, unit: string) => {
      // A unit made of one repeated char ("哈哈") was already capped by the single-char pass.
      if (new Set(unit).size === 1) return run;
      return unit.repeat(maxUnitRepeats);
    });
    return out;
  }
}
