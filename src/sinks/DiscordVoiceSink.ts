import { setTimeout as sleep } from 'node:timers/promises';
import { FRAME_DURATION_MS, type AudioFrame } from '../playback/AudioFrame.ts';
import type { AudioSink, UtteranceInfo, UtteranceOutcome } from '../playback/AudioSink.ts';

/** The part of an @discordjs/voice VoiceConnection the sink uses (kept structural so the sink is testable alone). */
export interface OpusPacketConnection {
  /** Encrypts (transport + DAVE) and sends one Opus packet now; a no-op unless the connection is ready. */
  playOpusPacket(packet: Buffer): unknown;
  setSpeaking(speaking: boolean): unknown;
}

export interface DiscordVoiceSinkOptions {
  /** The guild's connection as it is now (undefined while not joined); looked up per packet, so rejoins are followed. */
  readonly connection: () => OpusPacketConnection | undefined;
  /** Silence frames after each utterance so receivers' decoders do not interpolate into the gap. Default 5 (as @discordjs/voice). */
  readonly trailingSilenceFrames?: number;
  /** Once this far behind schedule (the engine stalled), restart the clock instead of bursting to catch up. Default 60 ms. */
  readonly maxLagMs?: number;
}

const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/**
 * Sends a player's Opus frames to a Discord voice connection, one every 20 ms. `write` resolves when the next
 * frame is due, which is how the player is paced in real time.
 *
 * It drives the connection directly instead of through an @discordjs/voice AudioPlayer: an AudioPlayer pulls on
 * its own clock and ends a resource after `maxMissedFrames` empty reads, which cuts off streamed synthesis that
 * pauses between sentences. Here a pause just means no packets until the next frame arrives, so an utterance is
 * never cut short; and the first packet leaves the moment the first frame exists.
 */
export class DiscordVoiceSink implements AudioSink {
  readonly #connection: () => OpusPacketConnection | undefined;
  readonly #trailing: number;
  readonly #maxLagMs: number;
  /** performance.now() when the next packet is due. */
  #due = 0;
  #sent = 0;

  constructor(options: DiscordVoiceSinkOptions) {
    this.#connection = options.connection;
    this.#trailing = options.trailingSilenceFrames ?? 5;
    this.#maxLagMs = options.maxLagMs ?? 60;
  }

  /** Packets handed to the connection since this sink was made (audio and silence). */
  get packetsSent(): number {
    return this.#sent;
  }

  begin(_utterance: UtteranceInfo): void {
    this.#due = performance.now();
  }

  write(frame: AudioFrame): Promise<void> {
    return this.#send(frame.opus);
  }

  async end(_utterance: UtteranceInfo, _outcome: UtteranceOutcome): Promise<void> {
    for (let i = 0; i < this.#trailing; i++) await this.#send(SILENCE);
    this.#connection()?.setSpeaking(false);
  }

  async #send(packet: Buffer): Promise<void> {
    const now = performance.now();
    if (now - this.#due > this.#maxLagMs) this.#due = now;
    const wait = this.#due - now;
    if (wait >= 1) await sleep(wait);
    this.#connection()?.playOpusPacket(packet);
    this.#sent += 1;
    this.#due += FRAME_DURATION_MS;
  }
}
