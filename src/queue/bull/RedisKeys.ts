/**
 * Names of everything Chorus keeps in Redis besides bull's own keys, in one place so the bot and the workers
 * (possibly different versions on different machines) agree on them.
 */
export class RedisKeys {
  readonly prefix: string;

  constructor(prefix = 'chorus') {
    this.prefix = prefix;
  }

  /** bull's key prefix; its queue keys become `<prefix>:synthesis:*`. */
  get bullPrefix(): string {
    return this.prefix;
  }

  /** The bull queue name jobs travel on. */
  get queueName(): string {
    return 'synthesis';
  }

  /** The Redis Stream a worker appends a job's audio and outcome to. */
  chunks(jobId: string): string {
    return `${this.prefix}:chunks:${jobId}`;
  }

  /** Set when the bot cancels a job, so a worker that takes it later skips it. */
  cancel(jobId: string): string {
    return `${this.prefix}:cancel:${jobId}`;
  }

  /** A voice's encoded engine features, by content hash (large ones travel once, not in every job). */
  voiceFeatures(hash: string): string {
    return `${this.prefix}:voice-features:${hash}`;
  }

  /** Pub/sub channel that tells running workers which job to stop (message: the job id). */
  get cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }

  /** A bot instance's own stream; appending to it wakes the instance's blocked reader for new jobs. */
  wake(instanceId: string): string {
    return `${this.prefix}:wake:${instanceId}`;
  }
}
