import { ChorusError } from '../../util/ChorusError.ts';

/** A job taken from Redis is not something this worker can read (a different Chorus version, or corrupt data). */
export class InvalidRemoteJobError extends ChorusError {
  constructor(detail: string) {
    super(
      'invalid-remote-job',
      `A synthesis job from Redis could not be read (${detail}). Run the same Chorus version on the bot and every worker.`,
    );
  }
}

/** REDIS_URL is needed but not set (e.g. `npm run worker`). */
export class RedisUrlMissingError extends ChorusError {
  constructor(program: string) {
    super('redis-url-missing', `${program} needs REDIS_URL (for example redis://127.0.0.1:6379) to find the queue the bot puts jobs on.`);
  }
}

/** The job's stream carried an entry this version does not understand. */
export class InvalidChunkEntryError extends ChorusError {
  constructor(jobId: string, detail: string) {
    super('invalid-chunk-entry', `Audio for message ${jobId} arrived from a worker in a form this bot cannot read (${detail}). Run the same Chorus version on the bot and every worker.`);
  }
}

/** A job names voice features Redis no longer holds (Redis restarted without persistence, or evicted them). */
export class MissingVoiceFeaturesError extends ChorusError {
  constructor(jobId: string) {
    super('voice-features-missing', `Message ${jobId} names voice data that Redis no longer holds (was Redis restarted or out of memory?). Say it again; the bot uploads the voice data with the next message.`);
  }
}
