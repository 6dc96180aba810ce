import { AudioDecodeError } from '../audio/AudioDecodeError.ts';
import { conditionClip, type ClipProblem, type ClipReport } from '../audio/ClipConditioner.ts';
import { decodeAudio } from '../audio/decodeAudio.ts';
import type { DecodedClip } from '../audio/DecodedClip.ts';
import type { SynthesisEngine } from '../synthesis/SynthesisEngine.ts';
import type { Language } from '../text/TextPart.ts';
import { ChorusError, isCancelled } from '../util/ChorusError.ts';
import { DEFAULT_CLIP_POLICY, judgeClip, type ClipPolicyLimits } from './ClipPolicy.ts';
import { ClipRejectedError } from './ClipRejectedError.ts';
import type { ConsentRecord, EngineFeatures, Voice, VoiceOwner, VoiceScope } from './Voice.ts';
import { VoiceInputError } from './VoiceInputError.ts';
import { normalizeTranscript } from './transcript.ts';
import { normalizeVoiceName } from './voiceName.ts';
import { VoiceNameTakenError } from './VoiceNameTakenError.ts';
import type { VoiceRegistry } from './VoiceRegistry.ts';

export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/** The part of an engine enrollment needs: computing its features for a new voice. */
export type VoiceAnalyser = Pick<SynthesisEngine, 'id' | 'analyseVoice'>;

/** A clip that was decoded, conditioned and accepted by the clip policy, but not stored (see `inspect`). */
export interface InspectedClip {
  readonly clip: DecodedClip;
  readonly report: ClipReport;
  /** Problems that did not prevent acceptance but may make the voice sound worse. */
  readonly warnings: readonly ClipProblem[];
}

interface EnrollmentDetails {
  readonly name: string;
  /** Exactly what is said in the clip. */
  readonly transcript: string;
  readonly language: Language;
  readonly owner: VoiceOwner;
  readonly scope: VoiceScope;
  /** Required; `undefined` is accepted by the type only so that callers cannot forget to pass it silently. */
  readonly consent: ConsentRecord | undefined;
}

/** The uploaded file as received, or a clip already accepted by `inspect` (so it is not decoded twice). */
export type EnrollmentRequest = EnrollmentDetails & ({ readonly bytes: Uint8Array } | { readonly inspected: InspectedClip });

export interface EnrollmentResult {
  readonly voice: Voice;
  readonly report: ClipReport;
  /** Problems that did not prevent registration but may make the voice sound worse. */
  readonly warnings: readonly ClipProblem[];
}

export interface VoiceEnrollmentOptions {
  readonly registry: VoiceRegistry;
  /** Every engine that will speak with the voice; each stores its features under its id. */
  readonly engines: readonly VoiceAnalyser[];
  readonly maxUploadBytes?: number;
  readonly policy?: Partial<ClipPolicyLimits>;
}

/** An engine could not analyse an accepted clip; the voice was not registered. */
export class VoiceAnalysisError extends ChorusError {
  readonly engineId: string;

  constructor(engineId: string, options?: { cause?: unknown }) {
    super(
      'voice-analysis-failed',
      `The "${engineId}" voice engine could not analyse the clip, so the voice was not registered. Try again; if it keeps failing, check the engine's model files and the logs.`,
      options,
    );
    this.engineId = engineId;
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/**
 * Turns an upload into a registered voice (used by /clone, the CLI and the console):
 * size cap → name/transcript/consent checks → decode → condition → clip policy → engine analysis → store.
 * The cheap checks run before decoding so a mistake in the command costs no audio work. Nothing is
 * stored unless every step succeeds.
 */
export class VoiceEnrollment {
  readonly #registry: VoiceRegistry;
  readonly #engines: readonly VoiceAnalyser[];
  readonly #maxUploadBytes: number;
  readonly #policy: ClipPolicyLimits;

  constructor(options: VoiceEnrollmentOptions) {
    this.#registry = options.registry;
    this.#engines = options.engines;
    this.#maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.#policy = { ...DEFAULT_CLIP_POLICY, ...options.policy };
  }

  /**
   * The audio half of enrollment, storing nothing: size cap → decode → condition → clip policy. Callers that ask
   * for consent (/clone) run it first, so a corrupt or too-short clip is refused before the question is asked,
   * and pass the result to `enroll` afterwards.
   */
  async inspect(bytes: Uint8Array): Promise<InspectedClip> {
    if (bytes.byteLength > this.#maxUploadBytes) {
      throw new ClipRejectedError(
        'too-large',
        `The file is ${formatMiB(bytes.byteLength)}; the limit is ${formatMiB(this.#maxUploadBytes)}. Send a shorter clip or a compressed format such as MP3 or OGG.`,
      );
    }
    let decoded;
    try {
      decoded = await decodeAudio(bytes, { maxBytes: this.#maxUploadBytes, maxSeconds: this.#policy.maxSeconds });
    } catch (error) {
      if (error instanceof AudioDecodeError) throw new ClipRejectedError(error.code, error.message, { cause: error });
      throw error;
    }
    // The conditioner's own "too short" warning should agree with what the policy enforces.
    const conditioned = await conditionClip(decoded, { thresholds: { minSpeechSeconds: this.#policy.minSpeechSeconds } });
    const warnings = judgeClip(conditioned.report, this.#policy);
    return { clip: conditioned.clip, report: conditioned.report, warnings };
  }

  async enroll(request: EnrollmentRequest): Promise<EnrollmentResult> {
    if ('bytes' in request && request.bytes.byteLength > this.#maxUploadBytes) {
      throw new ClipRejectedError(
        'too-large',
        `The file is ${formatMiB(request.bytes.byteLength)}; the limit is ${formatMiB(this.#maxUploadBytes)}. Send a shorter clip or a compressed format such as MP3 or OGG.`,
      );
    }
    const name = normalizeVoiceName(request.name);
    const transcript = normalizeTranscript(request.transcript);
    if (request.language !== 'zh' && request.language !== 'en') {
      throw new VoiceInputError('voice-language-invalid', `Unsupported language "${String(request.language)}"; use zh or en.`);
    }
    const consent = request.consent;
    if (consent === undefined || consent.statement.trim() === '') {
      throw new VoiceInputError(
        'voice-consent-missing',
        'A voice can only be cloned with consent: confirm that the voice is yours, or that its speaker agreed to it being cloned.',
      );
    }
    if (await this.#registry.isNameTaken(request.owner, name)) throw new VoiceNameTakenError(name);

    const conditioned = 'inspected' in request ? request.inspected : await this.inspect(request.bytes);
    const warnings = conditioned.warnings;

    const features: Record<string, unknown> = {};
    for (const engine of this.#engines) {
      try {
        features[engine.id] = await engine.analyseVoice(conditioned.clip, transcript, request.language);
      } catch (error) {
        if (isCancelled(error) || error instanceof ChorusError) throw error;
        throw new VoiceAnalysisError(engine.id, { cause: error });
      }
    }

    const voice = await this.#registry.register({
      name,
      owner: request.owner,
      scope: request.scope,
      language: request.language,
      transcript,
      clip: conditioned.clip,
      features: features as EngineFeatures,
      consent,
    });
    return { voice, report: conditioned.report, warnings };
  }
}
