import { meanCepstrum, melCepstralDistanceDb, mfccFrames } from '../../src/audio/analysis/mfcc.ts';
import { spectrumDistanceDb } from '../../src/audio/analysis/longTermSpectrum.ts';
import { resample } from '../../src/audio/resample.ts';
import { BuiltinEngine, segmentsFor } from '../../src/synthesis/engines/builtin/BuiltinEngine.ts';
import type { BuiltinVoiceProfileV2 } from '../../src/synthesis/engines/builtin/BuiltinVoiceProfile.ts';
import { describeBuiltinProfile } from '../../src/synthesis/engines/builtin/describeBuiltinProfile.ts';
import { ENGINE_ID } from '../../src/synthesis/engines/builtin/EspeakWorkerThread.ts';
import type { Language, Sentence } from '../../src/text/TextPart.ts';
import { TextFrontEnd } from '../../src/text/TextFrontEnd.ts';
import { independentPitch, type PitchSummary, soxBandLevelsDb } from './voiceMatching/independentMeasures.ts';
import { ANALYSIS_RATE, ensureReferencePackages, loadReferences, type ReferenceVoice } from './voiceMatching/references.ts';
import { StockRenderer } from './voiceMatching/stockRenderer.ts';
import { ENGLISH_TEST_TEXT, MANDARIN_TEST_TEXT } from './voiceMatching/texts.ts';
import { concatSamples, int16ToFloat32 } from '../../src/audio/pcm.ts';

/** Measurements of one signal with the benchmark's own (independent) estimators. */
interface Measured {
  readonly pitch: PitchSummary;
  readonly bandsDb: readonly number[];
  readonly cepstrum: Float64Array;
  readonly seconds: number;
}

type Method = 'raw' | 'stock' | 'clone';
const METHODS: readonly Method[] = ['raw', 'stock', 'clone'];
const STOCK_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5'];

async function measure(samples: Float32Array, sampleRate: number): Promise<Measured> {
  const signal = sampleRate === ANALYSIS_RATE ? samples : await resample(samples, sampleRate, ANALYSIS_RATE);
  return {
    pitch: independentPitch(signal, ANALYSIS_RATE),
    bandsDb: soxBandLevelsDb(signal, ANALYSIS_RATE),
    cepstrum: meanCepstrum(mfccFrames(signal, ANALYSIS_RATE)),
    seconds: signal.length / ANALYSIS_RATE,
  };
}

const semitones = (a: number, b: number): number => 12 * Math.log2(a / b);
const rangeSt = (pitch: PitchSummary): number => semitones(pitch.p95Hz, pitch.p5Hz);

interface Distances {
  readonly f0: number;
  readonly range: number;
  readonly ltas: number;
  readonly mcd: number;
}

function distances(output: Measured, reference: Measured): Distances {
  return {
    f0: Math.abs(semitones(output.pitch.medianHz, reference.pitch.medianHz)),
    range: Math.abs(rangeSt(output.pitch) - rangeSt(reference.pitch)),
    ltas: spectrumDistanceDb(output.bandsDb, reference.bandsDb),
    mcd: melCepstralDistanceDb(output.cepstrum, reference.cepstrum),
  };
}

/** Combined score for closed-set identification (docs/builtin-voice.md §3.2, without formants). */
const combined = (d: Distances): number => d.ltas / 3 + d.mcd + d.f0 / 3;

async function collect(stream: AsyncIterable<{ samples: Int16Array }>): Promise<Float32Array> {
  const parts: Int16Array[] = [];
  for await (const chunk of stream) parts.push(chunk.samples);
  return int16ToFloat32(concatSamples(Int16Array, parts));
}

/**
 * Pearson correlation of log-F0 contours rendered at the same speed (so frames line up in time), per-sentence
 * mean removed, over frames voiced in both with voiced neighbours (voicing edges are where trackers disagree).
 */
function contourCorrelation(pairs: ReadonlyArray<readonly [Float32Array, Float32Array]>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  const steady = (track: Float32Array, i: number): boolean => track[i - 1]! > 0 && track[i]! > 0 && track[i + 1]! > 0;
  for (const [a, b] of pairs) {
    const sentenceX: number[] = [];
    const sentenceY: number[] = [];
    for (let i = 1; i < Math.min(a.length, b.length) - 1; i += 1) {
      if (steady(a, i) && steady(b, i)) {
        sentenceX.push(Math.log(a[i]!));
        sentenceY.push(Math.log(b[i]!));
      }
    }
    if (sentenceX.length === 0) continue;
    const meanX = sentenceX.reduce((sum, v) => sum + v, 0) / sentenceX.length;
    const meanY = sentenceY.reduce((sum, v) => sum + v, 0) / sentenceY.length;
    sentenceX.forEach((v, i) => {
      xs.push(v - meanX);
      ys.push(sentenceY[i]! - meanY);
    });
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    sxy += xs[i]! * ys[i]!;
    sxx += xs[i]! ** 2;
    syy += ys[i]! ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const f1 = (value: number): string => value.toFixed(1);
const f2 = (value: number): string => value.toFixed(2);
const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * Built-in voice matching (issue 3): every reference is registered in each language, then a ≥ 30 s test
 * text is rendered by raw espeak, by espeak's stock variant nearest in pitch, and by the fitted clone, and
 * measured against the reference with estimators independent of the conversion (autocorrelation pitch,
 * sox band filters, MFCC).
 */
export async function runVoiceMatchingBench(): Promise<string[]> {
  const missing = ensureReferencePackages();
  if (missing !== null) return [`skipped: ${missing}`];
  const references = loadReferences();
  const referenceMeasures = new Map<string, Measured>();
  for (const reference of references) referenceMeasures.set(reference.name, await measure(reference.samples, ANALYSIS_RATE));

  const engine = await BuiltinEngine.create({ workers: 1 });
  const stock = await StockRenderer.create();
  const front = new TextFrontEnd({ maxCharacters: 5000 });
  const textOf: Record<Language, Sentence[]> = {
    en: ENGLISH_TEST_TEXT.flatMap((sentence) => front.process(sentence)),
    zh: MANDARIN_TEST_TEXT.flatMap((sentence) => front.process(sentence)),
  };
  const lines: string[] = [];
  const rows: string[] = [];
  const results: Array<{ reference: ReferenceVoice; language: Language; byMethod: Record<Method, Measured>; profile: BuiltinVoiceProfileV2; tone: number | null }> = [];
  const registrationSeconds: number[] = [];
  let exampleReport: string[] = [];

  try {
    for (const language of ['en', 'zh'] as const) {
      const segments = segmentsFor(textOf[language]);
      const raw = await measure(stock.render(segments, null), stock.sampleRate);
      // espeak's stock variants, each measured once; "stock" picks the one nearest in median F0.
      const variants = new Map<string, Measured>();
      for (const variant of STOCK_VARIANTS) variants.set(variant, await measure(stock.render(segments, variant), stock.sampleRate));

      for (const reference of references) {
        const referenceMeasure = referenceMeasures.get(reference.name)!;
        let nearest = STOCK_VARIANTS[0]!;
        for (const variant of STOCK_VARIANTS) {
          const error = (name: string): number => Math.abs(semitones(variants.get(name)!.pitch.medianHz, referenceMeasure.pitch.medianHz));
          if (error(variant) < error(nearest)) nearest = variant;
        }
        const started = performance.now();
        const profile = (await engine.analyseVoice({ samples: reference.samples, sampleRate: ANALYSIS_RATE }, '', language)) as BuiltinVoiceProfileV2;
        registrationSeconds.push((performance.now() - started) / 1000);
        if (reference.name === 'alsa' && language === 'en') exampleReport = describeBuiltinProfile(profile);
        const voice = { id: `bench-${reference.name}`, language, features: { [ENGINE_ID]: profile } };
        const clone = await measure(await collect(engine.synthesize({ voice, sentences: textOf[language] })), engine.sampleRate);

        // Mandarin tones: clone vs raw espeak at the clone's speed, sentence by sentence.
        let tone: number | null = null;
        if (language === 'zh') {
          const pairs: Array<readonly [Float32Array, Float32Array]> = [];
          for (const sentence of textOf.zh) {
            const cloned = await collect(engine.synthesize({ voice, sentences: [sentence] }));
            const plain = stock.render(segmentsFor([sentence]), null, 175 * profile.speed);
            pairs.push([
              independentPitch(await resample(cloned, engine.sampleRate, ANALYSIS_RATE), ANALYSIS_RATE).track,
              independentPitch(await resample(plain, stock.sampleRate, ANALYSIS_RATE), ANALYSIS_RATE).track,
            ]);
          }
          tone = contourCorrelation(pairs);
        }
        results.push({ reference, language, byMethod: { raw, stock: variants.get(nearest)!, clone }, profile, tone });
        rows.push(`${reference.name}/${language}: nearest stock variant ${nearest}`);
      }
    }

    // Speed of the product path (EQ on) on one core, and first-chunk latency.
    const speedProfile = results.find((result) => result.reference.name === 'alsa' && result.language === 'zh')!.profile;
    const voice = { id: 'bench-speed', language: 'zh' as const, features: { [ENGINE_ID]: speedProfile } };
    const cpuBefore = process.cpuUsage();
    let samples = 0;
    for (const language of ['zh', 'en'] as const) {
      for await (const chunk of engine.synthesize({ voice: { ...voice, language }, sentences: textOf[language] })) samples += chunk.samples.length;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const realTime = samples / engine.sampleRate / ((cpu.user + cpu.system) / 1e6);
    const firstChunkMs: number[] = [];
    for (const sentence of textOf.zh.slice(0, 7)) {
      const started = performance.now();
      for await (const _chunk of engine.synthesize({ voice, sentences: [sentence] })) {
        firstChunkMs.push(performance.now() - started);
        break;
      }
    }
    firstChunkMs.sort((a, b) => a - b);

    // Closed-set identification: which reference is nearest to each output.
    const identified = (output: Measured): string => {
      let bestName = '';
      let bestScore = Infinity;
      for (const reference of references) {
        const score = combined(distances(output, referenceMeasures.get(reference.name)!));
        if (score < bestScore) {
          bestScore = score;
          bestName = reference.name;
        }
      }
      return bestName;
    };

    const table = [
      '| voice | lang | ref F0 Hz | out s | F0 err st raw/stock/clone | range err st raw/stock/clone | LTAS dB raw/stock/clone | MCD dB raw/stock/clone | identified raw/stock/clone | tone r | α / speed |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    ];
    const summary: Record<Method, { f0: number[]; range: number[]; ltas: number[]; mcd: number[]; correct: number }> = {
      raw: { f0: [], range: [], ltas: [], mcd: [], correct: 0 },
      stock: { f0: [], range: [], ltas: [], mcd: [], correct: 0 },
      clone: { f0: [], range: [], ltas: [], mcd: [], correct: 0 },
    };
    let ltasTargetMet = 0;
    for (const { reference, language, byMethod, profile, tone } of results) {
      const referenceMeasure = referenceMeasures.get(reference.name)!;
      const d = Object.fromEntries(METHODS.map((method) => [method, distances(byMethod[method], referenceMeasure)])) as Record<Method, Distances>;
      const ids = METHODS.map((method) => identified(byMethod[method]));
      METHODS.forEach((method, i) => {
        summary[method].f0.push(d[method].f0);
        summary[method].range.push(d[method].range);
        summary[method].ltas.push(d[method].ltas);
        summary[method].mcd.push(d[method].mcd);
        if (ids[i] === reference.name) summary[method].correct += 1;
      });
      if (d.clone.ltas <= 3.5 && d.clone.ltas <= 0.75 * d.raw.ltas) ltasTargetMet += 1;
      const triple = (key: keyof Distances): string => METHODS.map((method) => f2(d[method][key])).join(' / ');
      table.push(
        `| ${reference.name}${reference.human ? '' : ' (synthetic)'} ${reference.sex === 'female' ? '♀' : '♂'} | ${language} | ${Math.round(referenceMeasure.pitch.medianHz)} | ` +
          `${f1(byMethod.clone.seconds)} | ${triple('f0')} | ${triple('range')} | ${triple('ltas')} | ${triple('mcd')} | ` +
          `${ids.map((id) => (id === reference.name ? '✓' : id)).join(' / ')} | ${tone === null ? '–' : tone.toFixed(3)} | ${profile.formantScale} / ${profile.speed} |`,
      );
    }
    const cases = results.length;
    for (const method of METHODS) {
      const s = summary[method];
      table.push(
        `| **mean ${method}** | | | | ${f2(mean(s.f0))} | ${f2(mean(s.range))} | ${f2(mean(s.ltas))} | ${f2(mean(s.mcd))} | ${s.correct}/${cases} | | |`,
      );
    }
    const tones = results.flatMap((result) => (result.tone === null ? [] : [result.tone]));
    const clone = summary.clone;
    lines.push(`table (independent estimators: autocorrelation pitch, sox 1/3-octave band filters, MFCC; stock = espeak variant nearest in F0):\n\n${table.join('\n')}\n`);
    lines.push(...rows);
    lines.push(
      `targets, clone: median-F0 error ≤ 1 st in ${clone.f0.filter((v) => v <= 1).length}/${cases} (mean ${f2(mean(clone.f0))}); ` +
        `range error ≤ 2 st in ${clone.range.filter((v) => v <= 2).length}/${cases}; LTAS ≤ 3.5 dB and ≥ 25 % below raw in ${ltasTargetMet}/${cases}; ` +
        `MCD below raw in ${clone.mcd.filter((v, i) => v < summary.raw.mcd[i]!).length}/${cases}; identification ${Math.round((100 * clone.correct) / cases)} % (target ≥ 75 %); ` +
        `Mandarin tone correlation min ${f2(Math.min(...tones))}, mean ${f2(mean(tones))} (target ≥ 0.95)`,
    );
    lines.push(
      `speed with EQ: ${f1(realTime)}× real time per CPU second (target ≥ 5×); first chunk median ${f1(firstChunkMs[Math.floor(firstChunkMs.length / 2)]!)} ms, ` +
        `max ${f1(firstChunkMs.at(-1)!)} ms (target ≤ 300 ms); registration ${f2(mean(registrationSeconds))} s mean, ${f2(Math.max(...registrationSeconds))} s max per voice and language`,
    );
    lines.push(`registration reply for alsa/en:\n  ${exampleReport.join('\n  ')}`);
  } finally {
    await engine.close();
  }
  return lines;
}
