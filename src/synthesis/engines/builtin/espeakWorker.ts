// Worker thread entry: owns one espeak-ng instance and runs jobs one at a time, off the main event loop.
import { parentPort, workerData } from 'node:worker_threads';
import initializeEspeak from '@echogarden/espeak-ng-emscripten';
import { concatSamples } from '../../../audio/pcm.ts';
import type { Language } from '../../../text/TextPart.ts';
import type { BuiltinVoiceProfile } from './BuiltinVoiceProfile.ts';
import { DEFAULT_BASE_VARIANT, variantNameFor } from './BuiltinVoiceProfile.ts';
import { composeVariantFile } from './composeVariantFile.ts';
import { ESPEAK_VARIANT_DIRECTORY, ESPEAK_VOICE_BY_LANGUAGE } from './espeakVoices.ts';
import type { AnalyseRequest, EspeakWorkerData, EspeakWorkerRequest, EspeakWorkerResponse, SynthesizeRequest } from './EspeakWorkerMessage.ts';
import { fitBuiltinVoiceProfile } from './fitBuiltinVoiceProfile.ts';
import { NoVoicedSpeechError } from './NoVoicedSpeechError.ts';
import { StreamingVoiceShaper } from './StreamingVoiceShaper.ts';
import { withFixedClock } from './withFixedClock.ts';

const port = parentPort;
if (port === null) throw new Error('espeakWorker.ts must run as a worker thread.');
const cancelSignal = new Int32Array((workerData as EspeakWorkerData).cancelSignal);

const espeakModule = await initializeEspeak();
const espeak = withFixedClock(() => new espeakModule.eSpeakNGWorker());
const writtenVariants = new Set<string>();

function post(message: EspeakWorkerResponse, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Writes the profile's variant file once per worker and returns the name to append after "+". */
function variantFor(profile: BuiltinVoiceProfile): string {
  const name = variantNameFor(profile);
  if (!writtenVariants.has(name)) {
    const baseText = profile.baseVariant === DEFAULT_BASE_VARIANT ? null : espeakModule.FS.readFile(`${ESPEAK_VARIANT_DIRECTORY}/${profile.baseVariant}`, { encoding: 'utf8' });
    espeakModule.FS.writeFile(`${ESPEAK_VARIANT_DIRECTORY}/${name}`, composeVariantFile(name, profile, baseText));
    writtenVariants.add(name);
  }
  return name;
}

function selectVoice(voice: string, profile: BuiltinVoiceProfile | null): void {
  const fullName = profile === null ? voice : `${voice}+${variantFor(profile)}`;
  const status = espeak.set_voice(fullName);
  if (status !== 0) throw new Error(`espeak-ng has no voice "${fullName}" (status ${status}).`);
}

function isCancelled(jobId: number): boolean {
  return Atomics.load(cancelSignal, 0) === jobId;
}

function synthesize(request: SynthesizeRequest): void {
  const { jobId, segments } = request;
  // One shaper per job: EQ state carried across chunks, segments and pauses; the stretch restarts per sentence.
  const shaper = StreamingVoiceShaper.forProfile(request.profile, espeak.samplerate);
  const send = (sentenceIndex: number, samples: Int16Array): void => {
    if (samples.length > 0) post({ type: 'chunk', jobId, sentenceIndex, samples }, [samples.buffer as ArrayBuffer]);
  };
  let selected = '';
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index]!;
    if (isCancelled(jobId)) return post({ type: 'cancelled', jobId });
    if (segment.voice !== selected) {
      selectVoice(segment.voice, request.profile);
      selected = segment.voice;
    }
    espeak.synthesize(segment.text, (samples) => {
      if (samples.length > 0) send(segment.sentenceIndex, shaper.process(samples));
      return isCancelled(jobId);
    });
    if (isCancelled(jobId)) return post({ type: 'cancelled', jobId });
    const next = segments[index + 1];
    if (next === undefined || next.sentenceIndex !== segment.sentenceIndex) {
      send(segment.sentenceIndex, shaper.endSentence());
      if (next !== undefined && request.pauseSamples > 0) send(segment.sentenceIndex, shaper.process(new Int16Array(request.pauseSamples)));
    }
  }
  post({ type: 'done', jobId });
}

function renderWhole(profile: BuiltinVoiceProfile | null, language: Language, text: string): Int16Array {
  selectVoice(ESPEAK_VOICE_BY_LANGUAGE[language], profile);
  const parts: Int16Array[] = [];
  espeak.synthesize(text, (samples) => {
    parts.push(samples);
    return false;
  });
  return concatSamples(Int16Array, parts);
}

function analyse(request: AnalyseRequest): void {
  const profile = fitBuiltinVoiceProfile(
    { samples: request.samples, sampleRate: request.sampleRate },
    request.language,
    { sampleRate: espeak.samplerate, render: renderWhole },
    { referenceLanguage: request.referenceLanguage },
  );
  post({ type: 'analysed', jobId: request.jobId, profile });
}

port.on('message', (request: EspeakWorkerRequest) => {
  try {
    switch (request.type) {
      case 'synthesize':
        return synthesize(request);
      case 'analyse':
        return analyse(request);
    }
  } catch (error) {
    const reason = error instanceof NoVoicedSpeechError ? 'no-voiced-speech' : 'internal';
    post({ type: 'failed', jobId: request.jobId, reason, message: error instanceof Error ? error.message : String(error) });
  }
});

post({ type: 'ready', sampleRate: espeak.samplerate });
