import { ChorusError } from '../util/ChorusError.ts';

/** A synthesis engine failed for a reason that is not the request's fault (crash, missing data, internal error). */
export class EngineError extends ChorusError {
  readonly engineId: string;

  constructor(engineId: string, message: string, options?: { cause?: unknown }) {
    super('engine-failed', message, options);
    this.engineId = engineId;
  }
}
