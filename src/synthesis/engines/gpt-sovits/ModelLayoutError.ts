import { ChorusError } from '../../../util/ChorusError.ts';

/**
 * The GPT-SoVITS model folder is incomplete or holds something other than a Genie-TTS-converted
 * GPT-SoVITS v2 model. `file` names the file at fault (absolute path) so the streamer knows what to fix.
 */
export class ModelLayoutError extends ChorusError {
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('gpt-sovits-model-layout', message, options);
    this.file = file;
  }
}
