import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { Sentence } from '../../../../text/TextPart.ts';
import { CharacterTokenizer } from '../CharacterTokenizer.ts';
import { sentenceToModelText } from '../GptSovitsFrontEnd.ts';
import { ModelLayoutError } from '../ModelLayoutError.ts';
import { BERT_WIDTH, RobertaFeatures } from '../RobertaFeatures.ts';
import { OnnxGraphBuilder } from './onnx/OnnxGraphBuilder.ts';
import { TINY_ROBERTA_CHARACTERS, writeTinyRoberta, type TinyRobertaLayout } from './onnx/tinyGenieModel.ts';

const root = mkdtempSync(join(tmpdir(), 'chorus-bert-large-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The tiny RoBERTa's value for a character: its token id + 1 ([UNK] = 1 → 2). */
const valueOf = (character: string): number => {
  const index = TINY_ROBERTA_CHARACTERS.indexOf(character);
  return index < 0 ? 2 : index + 4 + 1;
};

async function load(layout: TinyRobertaLayout): Promise<RobertaFeatures> {
  const dir = join(root, layout);
  writeTinyRoberta(dir, layout);
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  return RobertaFeatures.create(session, CharacterTokenizer.fromFile(join(dir, 'tokenizer.json')), join(dir, 'model.onnx'));
}

// 你好 (2 syllables) + "world" (English, zeros) + 欢迎来到直播间！ — the front end's Sentence shape.
const MIXED: Sentence = {
  parts: [
    { language: 'zh', text: '你好，', pinyin: 'ni3 hao3,' },
    { language: 'en', text: 'world' },
    { language: 'zh', text: '欢迎来到直播间！', pinyin: 'huan1 ying2 lai2 dao4 zhi2 bo1 jian1!' },
  ],
};

describe('sentenceToModelText sources', () => {
  it('records for every phone the Mandarin character it reads, and none for English', () => {
    const text = sentenceToModelText(MIXED);
    expect(text.chineseRuns).toEqual([['你', '好', ','], ['欢', '迎', '来', '到', '直', '播', '间', '!']]);
    expect(text.phoneSources.length).toBe(text.phones.length);
    // 你 → n i2 (sandhi), 好 → h ao3, ',' → ','; then world's phones; then 欢 …
    expect(text.phones.slice(0, 5)).toEqual(['n', 'i2', 'h', 'ao3', ',']);
    expect(text.phoneSources.slice(0, 5)).toEqual([[0, 0], [0, 0], [0, 1], [0, 1], [0, 2]]);
    const english = text.phones.indexOf('W');
    expect(text.phoneSources[english]).toBeNull();
    const huan = text.phones.indexOf('uan1');
    expect(text.phoneSources[huan]).toEqual([1, 0]);
    expect(text.phoneSources.at(-1)).toEqual([1, 7]); // the final "!"
  });
});

describe('RobertaFeatures', () => {
  for (const layout of ['tokens', 'characters', 'phones'] as const) {
    it(`gives each Mandarin phone its character's row and every other phone zeros (${layout} layout)`, async () => {
      const features = await load(layout);
      try {
        const text = sentenceToModelText(MIXED);
        const bert = await features.forText(text);
        expect(bert.length).toBe(text.phones.length * BERT_WIDTH);
        text.phoneSources.forEach((source, phone) => {
          const row = bert.subarray(phone * BERT_WIDTH, (phone + 1) * BERT_WIDTH);
          const expected = source === null ? 0 : valueOf(text.chineseRuns[source[0]]![source[1]]!);
          expect([row[0], row[BERT_WIDTH - 1]], `phone ${phone} ${text.phones[phone]}`).toEqual([expected, expected]);
        });
      } finally {
        await features.release();
      }
    });
  }

  it('reads characters missing from the vocabulary as [UNK] and a text without Mandarin as zeros', async () => {
    const features = await load('tokens');
    try {
      const unknown = sentenceToModelText({ parts: [{ language: 'zh', text: '龘你', pinyin: 'da2 ni3' }] });
      const bert = await features.forText(unknown);
      const first = unknown.phoneSources.findIndex((s) => s !== null);
      expect(bert[first * BERT_WIDTH]).toBe(valueOf('龘'));
      const english = sentenceToModelText({ parts: [{ language: 'en', text: 'Thanks for the follow.' }] });
      expect((await features.forText(english)).every((v) => v === 0)).toBe(true);
    } finally {
      await features.release();
    }
  });

  it('refuses a graph that is not a RoBERTa export, naming it', async () => {
    const g = new OnnxGraphBuilder();
    g.op('Identity', [g.input('pixels', 'float32', [1, 4])], {}, 'out');
    g.output('out', 'float32', [1, 4]);
    const path = join(root, 'not-roberta.onnx');
    writeFileSync(path, g.toBytes());
    writeTinyRoberta(join(root, 'tok'));
    const session = await ort.InferenceSession.create(path);
    await expect(RobertaFeatures.create(session, CharacterTokenizer.fromFile(join(root, 'tok', 'tokenizer.json')), path)).rejects.toThrow(/not-roberta\.onnx does not look like a RoBERTa export.*pixels/);
    await session.release();
  });

  it('refuses a RoBERTa whose rows are not 1024 wide', async () => {
    const g = new OnnxGraphBuilder();
    g.initializer('w', [30, 16], new Float32Array(30 * 16));
    g.op('Gather', ['w', g.input('input_ids', 'int64', [1, 'tokens'])], { axis: 0 }, 'hidden_states');
    g.output('hidden_states', 'float32', [1, 'tokens', 16]);
    const path = join(root, 'narrow.onnx');
    writeFileSync(path, g.toBytes());
    const session = await ort.InferenceSession.create(path);
    const error = await RobertaFeatures.create(session, CharacterTokenizer.fromFile(join(root, 'tok', 'tokenizer.json')), path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLayoutError);
    expect((error as ModelLayoutError).file).toBe(path);
    expect((error as Error).message).toMatch(/16 wide, not 1024/);
    await session.release();
  });
});

describe('CharacterTokenizer', () => {
  it('reads tokenizer.json (special tokens among added_tokens too) and vocab.txt', () => {
    const json = join(root, 'tokenizer.json');
    writeFileSync(json, JSON.stringify({ model: { type: 'WordPiece', vocab: { '[UNK]': 0, 你: 1, 好: 2 } }, added_tokens: [{ id: 7, content: '[CLS]' }, { id: 8, content: '[SEP]' }] }));
    expect(CharacterTokenizer.fromFile(json).encode(['你', '好', '吗'])).toEqual([7, 1, 2, 0, 8]);
    const txt = join(root, 'vocab.txt');
    writeFileSync(txt, '[PAD]\n[UNK]\n[CLS]\n[SEP]\n你\n');
    expect(CharacterTokenizer.fromFile(txt).encode(['你'])).toEqual([2, 4, 3]);
  });

  it('refuses a tokenizer that is not WordPiece or lacks [CLS], naming the file', () => {
    const bpe = join(root, 'bpe.json');
    writeFileSync(bpe, JSON.stringify({ model: { type: 'BPE', vocab: {} } }));
    expect(() => CharacterTokenizer.fromFile(bpe)).toThrow(/bpe\.json is not a WordPiece tokenizer/);
    const noCls = join(root, 'nocls.txt');
    writeFileSync(noCls, '[UNK]\n[SEP]\n');
    expect(() => CharacterTokenizer.fromFile(noCls)).toThrow(/nocls\.txt has no \[CLS\] token/);
  });
});
