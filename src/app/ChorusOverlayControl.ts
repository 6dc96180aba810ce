import { randomUUID } from 'node:crypto';
import type { Chorus } from './Chorus.ts';
import { DEFAULT_VOICE_ID } from './DefaultVoice.ts';
import type { Player } from '../playback/Player.ts';
import type { PlaybackTargetId } from '../speech/SpeechJob.ts';
import { ChorusError } from '../util/ChorusError.ts';
import type { ControlState, OverlayControl, SynthesisFigures, TargetFigures, ViewerRef, VoiceSummary } from '../overlay/OverlayControl.ts';
import type { SynthesisQueueStats } from '../queue/SynthesisQueue.ts';
import type { BullSynthesisQueueStats } from '../queue/bull/BullSynthesisQueue.ts';

/** The Redis queue's stats carry its connection state (the bull module itself is loaded only with REDIS_URL). */
const isRemote = (stats: SynthesisQueueStats): stats is BullSynthesisQueueStats => 'connected' in stats;

const LATENCY_SAMPLES = 100;

interface Tally {
  readonly latencies: number[];
  spoken: number;
}

export class UnknownVoiceError extends ChorusError {
  constructor() {
    super('unknown-voice', 'That voice is not registered (any more); reload the control page to see the current list.');
  }
}

function percentileOf(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The control page's actions and figures, over a running Chorus. Latency comes from the players' events, drops from chat accounting. */
export class ChorusOverlayControl implements OverlayControl {
  readonly #chorus: Chorus;
  readonly #tallies = new Map<Player, Tally>();

  /** `targets`: players to watch from the start (created if need be), so their first drops are counted too. */
  constructor(chorus: Chorus, targets: readonly PlaybackTargetId[] = []) {
    this.#chorus = chorus;
    for (const target of targets) this.#watch(chorus.player(target));
  }

  state(): ControlState {
    const players = this.#chorus.players();
    for (const player of players) this.#watch(player);
    return {
      targets: players.map((player) => ({ player: player.snapshot(), figures: this.#figures(player) })),
      mutes: this.#chorus.mutes.list(),
      drops: this.#chorus.accounting.snapshot().droppedByReason,
      synthesis: this.#synthesisFigures(),
    };
  }

  #synthesisFigures(): SynthesisFigures {
    const stats = this.#chorus.synthesis.stats();
    const figures = { waiting: stats.waiting, running: stats.running, completed: stats.completed, failed: stats.failed };
    return isRemote(stats) ? { ...figures, redis: { connected: stats.connected, fallbackJobs: stats.fallbackJobs } } : figures;
  }

  skip(target: string, jobId?: string): boolean {
    return this.#existing(target)?.skip(jobId) ?? false;
  }

  clear(target: string): number {
    return this.#existing(target)?.clear() ?? 0;
  }

  setPaused(target: string, paused: boolean): void {
    const player = this.#existing(target);
    if (paused) player?.pause();
    else player?.resume();
  }

  mute(viewer: ViewerRef & { readonly displayName: string }): number {
    this.#chorus.mutes.mute(viewer);
    let dropped = 0;
    for (const player of this.#chorus.players()) dropped += player.clear({ platform: viewer.platform, userId: viewer.userId });
    return dropped;
  }

  unmute(viewer: ViewerRef): boolean {
    return this.#chorus.mutes.unmute(viewer);
  }

  async voices(): Promise<readonly VoiceSummary[]> {
    const voices = await this.#chorus.registry.list();
    return [
      { id: DEFAULT_VOICE_ID, name: DEFAULT_VOICE_ID, language: 'zh', owner: '—', scope: 'global' },
      ...voices.map((voice) => ({
        id: voice.id,
        name: voice.name,
        language: voice.language,
        owner: `${voice.owner.platform}:${voice.owner.userId}`,
        scope: voice.scope.kind === 'guild' ? `guild ${voice.scope.guildId}` : voice.scope.kind,
      })),
    ];
  }

  async tryVoice(request: { readonly voiceId: string; readonly text: string; readonly target: string }): Promise<string | undefined> {
    // Spoken as the voice's owner naming it, so private and guild voices resolve exactly as in their own chat.
    let event;
    if (request.voiceId === DEFAULT_VOICE_ID) {
      event = { platform: 'console' as const, userId: 'control-page', voiceName: DEFAULT_VOICE_ID, scopeId: undefined };
    } else {
      const voice = await this.#chorus.registry.get(request.voiceId);
      if (voice === undefined) throw new UnknownVoiceError();
      event = { platform: voice.owner.platform, userId: voice.owner.userId, voiceName: voice.name, scopeId: voice.scope.kind === 'guild' ? voice.scope.guildId : undefined };
    }
    const outcome = await this.#chorus.say({
      id: `try-${randomUUID()}`,
      platform: event.platform,
      target: request.target,
      ...(event.scopeId === undefined ? {} : { scopeId: event.scopeId }),
      author: { userId: event.userId, displayName: `试听 ${event.voiceName}` },
      text: request.text,
      kind: 'command',
      voiceName: event.voiceName,
      receivedAt: Date.now(),
    });
    return outcome.kind === 'dropped' ? outcome.detail : undefined;
  }

  #existing(target: string): Player | undefined {
    return this.#chorus.players().find((player) => player.target === target);
  }

  #watch(player: Player): void {
    if (this.#tallies.has(player)) return;
    const tally: Tally = { latencies: [], spoken: 0 };
    this.#tallies.set(player, tally);
    player.on('utteranceEnd', (report) => {
      if (!report.started) return;
      tally.spoken += 1;
      const { firstFrameAt, enqueuedAt } = report.metrics;
      if (firstFrameAt === undefined) return;
      tally.latencies.push(firstFrameAt - enqueuedAt);
      if (tally.latencies.length > LATENCY_SAMPLES) tally.latencies.shift();
    });
  }

  #figures(player: Player): TargetFigures {
    const tally = this.#tallies.get(player) as Tally;
    const sorted = [...tally.latencies].sort((a, b) => a - b);
    return {
      queueDepth: player.queue.length,
      latency: { samples: sorted.length, lastMs: tally.latencies.at(-1), p50Ms: percentileOf(sorted, 50), p95Ms: percentileOf(sorted, 95) },
      spoken: tally.spoken,
    };
  }
}
