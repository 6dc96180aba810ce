import { ChorusError } from '../../util/ChorusError.ts';

export type PacketErrorReason =
  | 'truncated'
  | 'bad-length'
  | 'bad-compression'
  | 'too-large'
  | 'too-deep'
  | 'unsupported-version'
  | 'invalid-json'
  | 'bad-command';

/**
 * One malformed packet (or command body) from Bilibili. It is reported and skipped; the connection stays up.
 * Never carries the packet bytes themselves, only a short description, so logging it is safe.
 */
export class PacketError extends ChorusError {
  readonly reason: PacketErrorReason;
  /** The command name when the problem is in a command body. */
  readonly cmd: string | undefined;

  constructor(reason: PacketErrorReason, detail: string, options?: { cmd?: string; cause?: unknown }) {
    super(
      'bilibili-packet',
      `Skipped a malformed message from Bilibili (${reason}: ${detail}); the connection stays open. ` +
        'If this keeps happening, Bilibili may have changed its protocol: update Chorus.',
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.reason = reason;
    this.cmd = options?.cmd;
  }
}
