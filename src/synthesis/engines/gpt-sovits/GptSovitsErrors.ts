import { ChorusError } from '../../../util/ChorusError.ts';

/** The reference clip cannot be used to register a GPT-SoVITS voice. */
export class ReferenceClipError extends ChorusError {
  constructor(message: string) {
    super('gpt-sovits-reference-clip', message);
  }
}

/** A voice has no usable GPT-SoVITS features (registered before the engine was enabled, or by another model). */
export class VoiceFeaturesError extends ChorusError {
  constructor(message: string) {
    super('gpt-sovits-voice-features', message);
  }
}

/** The GPT-SoVITS worker failed or stopped unexpectedly. */
export class GptSovitsEngineError extends ChorusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('gpt-sovits-engine', message, options);
  }
}
