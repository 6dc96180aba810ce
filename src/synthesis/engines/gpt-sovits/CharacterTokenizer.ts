import { readFileSync } from 'node:fs';
import { ModelLayoutError } from './ModelLayoutError.ts';

/*
 * The RoBERTa tokenizer, as far as GPT-SoVITS uses it: only Mandarin runs are tokenized, and BERT's
 * basic tokenizer makes every Han character and every punctuation mark a token of its own, so a token
 * per character is exactly what the WordPiece tokenizer would produce for them. Reads the vocabulary
 * from a Hugging Face tokenizer.json (WordPiece model) or a BERT vocab.txt (one token per line).
 */
export class CharacterTokenizer {
  readonly #vocabulary: ReadonlyMap<string, number>;
  readonly cls: number;
  readonly sep: number;
  readonly unknown: number;

  private constructor(vocabulary: ReadonlyMap<string, number>, path: string) {
    this.#vocabulary = vocabulary;
    const special = (token: string): number => {
      const id = vocabulary.get(token);
      if (id === undefined) throw new ModelLayoutError(path, `${path} has no ${token} token; it is not a BERT/RoBERTa tokenizer.`);
      return id;
    };
    this.cls = special('[CLS]');
    this.sep = special('[SEP]');
    this.unknown = special('[UNK]');
  }

  static fromFile(path: string): CharacterTokenizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ModelLayoutError(path, `Cannot read the RoBERTa tokenizer ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (!path.endsWith('.json')) {
      const lines = text.split(/\r?\n/);
      if (lines.at(-1) === '') lines.pop();
      return new CharacterTokenizer(new Map(lines.map((token, id) => [token, id])), path);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ModelLayoutError(path, `${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const model = (parsed as { model?: { type?: unknown; vocab?: unknown } } | null)?.model;
    if (model?.type !== 'WordPiece' || typeof model.vocab !== 'object' || model.vocab === null) {
      throw new ModelLayoutError(path, `${path} is not a WordPiece tokenizer (chinese-roberta-wwm-ext-large uses one).`);
    }
    const vocabulary = new Map<string, number>();
    for (const [token, id] of Object.entries(model.vocab)) if (typeof id === 'number') vocabulary.set(token, id);
    // Special tokens may be listed only among the added tokens.
    const added = (parsed as { added_tokens?: unknown }).added_tokens;
    if (Array.isArray(added)) {
      for (const entry of added as Array<{ id?: unknown; content?: unknown }>) {
        if (typeof entry.id === 'number' && typeof entry.content === 'string') vocabulary.set(entry.content, entry.id);
      }
    }
    return new CharacterTokenizer(vocabulary, path);
  }

  /** [CLS] + one token per character + [SEP]; characters not in the vocabulary read as [UNK]. */
  encode(characters: readonly string[]): number[] {
    return [this.cls, ...characters.map((c) => this.#vocabulary.get(c) ?? this.#vocabulary.get(c.toLowerCase()) ?? this.unknown), this.sep];
  }
}
