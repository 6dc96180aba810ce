import * as ort from 'onnxruntime-node';
import type { CharacterTokenizer } from './CharacterTokenizer.ts';
import type { ModelText } from './GptSovitsFrontEnd.ts';
import { ModelLayoutError } from './ModelLayoutError.ts';

/** Width of GPT-SoVITS's BERT features (chinese-roberta-wwm-ext-large's hidden size). */
export const BERT_WIDTH = 1024;
/** RoBERTa's 512 positions minus [CLS] and [SEP]: a longer Mandarin run is read in pieces. */
const MAX_CHARACTERS = 510;
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'repeats']);

const int64 = (values: readonly number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);

/**
 * GPT-SoVITS's phone-level BERT features: RoBERTa's third-from-last hidden state for each Mandarin
 * character, repeated for each of the character's phones; every other phone gets zeros.
 *
 * RoBERTa exports differ (Genie's own, Hugging Face ONNX folders): the graph may or may not take
 * `token_type_ids`; it may return one row per token ([CLS] … [SEP]), one per character, or — when it
 * takes `repeats` (phones per character) — one per phone. Which one is checked once at load (`create`),
 * so a wrong graph is refused with its name instead of failing mid-stream.
 */
export class RobertaFeatures {
  readonly #session: ort.InferenceSession;
  readonly #tokenizer: CharacterTokenizer;
  readonly #takesRepeats: boolean;

  private constructor(session: ort.InferenceSession, tokenizer: CharacterTokenizer) {
    this.#session = session;
    this.#tokenizer = tokenizer;
    this.#takesRepeats = session.inputNames.includes('repeats');
  }

  static async create(session: ort.InferenceSession, tokenizer: CharacterTokenizer, path: string): Promise<RobertaFeatures> {
    const unknown = session.inputNames.filter((n) => !KNOWN_INPUTS.has(n));
    if (!session.inputNames.includes('input_ids') || unknown.length > 0) {
      throw new ModelLayoutError(path, `${path} does not look like a RoBERTa export: expected inputs input_ids (and optionally attention_mask, token_type_ids, repeats), found ${session.inputNames.join(', ')}.`);
    }
    const features = new RobertaFeatures(session, tokenizer);
    // Probe: two characters of two and one phones must come back as 3 phone rows of the right width.
    try {
      const rows = await features.#run(['你', '。'], [2, 1]);
      if (rows.length !== 3 || rows.some((r) => r.length !== BERT_WIDTH)) throw new Error(`got ${rows.length} rows of ${rows[0]?.length ?? 0}`);
    } catch (error) {
      if (error instanceof ModelLayoutError) throw error;
      throw new ModelLayoutError(path, `${path} did not produce RoBERTa features GPT-SoVITS can use (${(error as Error).message}).`, { cause: error });
    }
    return features;
  }

  /** [phones × 1024], row-major, for the encoder's `text_bert` / `ref_bert`. */
  async forText(text: ModelText): Promise<Float32Array> {
    const out = new Float32Array(text.phones.length * BERT_WIDTH);
    for (let run = 0; run < text.chineseRuns.length; run++) {
      const characters = text.chineseRuns[run]!;
      // Phones of this run in the model text, by character (some may have been dropped: repeated punctuation).
      const phonesOf: number[][] = characters.map(() => []);
      text.phoneSources.forEach((source, phone) => {
        if (source !== null && source[0] === run) phonesOf[source[1]]!.push(phone);
      });
      for (let start = 0; start < characters.length; start += MAX_CHARACTERS) {
        const end = Math.min(characters.length, start + MAX_CHARACTERS);
        const counts = phonesOf.slice(start, end).map((p) => p.length);
        if (counts.every((c) => c === 0)) continue;
        const rows = await this.#run(characters.slice(start, end), counts);
        const targets = phonesOf.slice(start, end).flat();
        targets.forEach((phone, i) => out.set(rows[i]!, phone * BERT_WIDTH));
      }
    }
    return out;
  }

  release(): Promise<void> {
    return this.#session.release();
  }

  /** One feature row per phone: character c's row repeated counts[c] times. */
  async #run(characters: readonly string[], counts: readonly number[]): Promise<Float32Array[]> {
    const ids = this.#tokenizer.encode(characters);
    const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids) };
    const names = this.#session.inputNames;
    if (names.includes('attention_mask')) feeds.attention_mask = int64(ids.map(() => 1));
    if (names.includes('token_type_ids')) feeds.token_type_ids = int64(ids.map(() => 0));
    if (this.#takesRepeats) feeds.repeats = new ort.Tensor('int64', BigInt64Array.from(counts, (c) => BigInt(c)), [counts.length]);
    const output = (await this.#session.run(feeds))[this.#session.outputNames[0]!]!;
    const data = output.data;
    if (!(data instanceof Float32Array)) throw new Error(`output ${this.#session.outputNames[0]} is ${output.type}, not float32`);
    const width = output.dims[output.dims.length - 1]!;
    if (width !== BERT_WIDTH) throw new Error(`rows are ${width} wide, not ${BERT_WIDTH}`);
    const rowCount = data.length / width;
    const row = (r: number): Float32Array => data.subarray(r * width, (r + 1) * width);
    const phones = counts.reduce((a, b) => a + b, 0);
    if (this.#takesRepeats && rowCount === phones) return Array.from({ length: phones }, (_, r) => row(r));
    // Token rows: drop [CLS]/[SEP] when present, then repeat each character's row for its phones.
    const offset = rowCount === characters.length + 2 ? 1 : rowCount === characters.length ? 0 : -1;
    if (offset < 0) throw new Error(`${rowCount} rows for ${characters.length} characters and ${phones} phones`);
    return counts.flatMap((count, c) => Array.from({ length: count }, () => row(c + offset)));
  }
}
