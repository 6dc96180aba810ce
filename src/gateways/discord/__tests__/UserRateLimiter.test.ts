import { describe, expect, it } from 'vitest';
import { DiscordVoiceSink } from '../../../sinks/DiscordVoiceSink.ts';
import { DiscordUserError } from '../DiscordUserError.ts';
import { UserRateLimiter } from '../UserRateLimiter.ts';

describe('UserRateLimiter', () => {
  it('allows `uses` per window per user and action, then says when to retry', () => {
    let now = 0;
    const limiter = new UserRateLimiter({ say: { uses: 2, windowMs: 10_000 } }, () => now);
    limiter.take('say', 'a');
    limiter.take('say', 'a');
    limiter.take('say', 'b');
    limiter.take('clone', 'a'); // no limit configured
    expect(() => limiter.take('say', 'a')).toThrow(DiscordUserError);
    now = 4000;
    expect(() => limiter.take('say', 'a')).toThrow(/Try again in 6 s/);
    now = 10_001;
    expect(() => limiter.take('say', 'a')).not.toThrow();
  });
});

describe('DiscordVoiceSink', () => {
  it('sends one packet per 20 ms, then trailing silence and speaking off; a stall does not cause a burst', async () => {
    const sent: { at: number; bytes: number }[] = [];
    const speaking: boolean[] = [];
    const sink = new DiscordVoiceSink({ connection: () => ({ playOpusPacket: (packet: Buffer) => sent.push({ at: performance.now(), bytes: packet.length }), setSpeaking: (value: boolean) => speaking.push(value) }) });
    const utterance = { jobId: 'j', target: 't', speaker: { platform: 'discord' as const, userId: 'u', displayName: 'U' }, displayText: 'x', voiceId: 'default', priority: 'chat' as const };
    const frame = { opus: Buffer.alloc(40, 1), pcm: new Int16Array(960) };
    sink.begin(utterance);
    for (let i = 0; i < 10; i++) await sink.write(frame);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the engine stalls
    for (let i = 0; i < 5; i++) await sink.write(frame);
    await sink.end(utterance, 'finished');
    expect(sent.filter((packet) => packet.bytes === 40)).toHaveLength(15);
    expect(sent.slice(15).every((packet) => packet.bytes === 3)).toBe(true);
    expect(speaking).toEqual([false]);
    const first = sent.slice(0, 10);
    expect((first[9] as { at: number }).at - (first[0] as { at: number }).at).toBeGreaterThanOrEqual(9 * 20 - 5);
    // After the stall the clock restarts: the next packets are spaced ~20 ms, not sent back to back.
    const after = sent.slice(10, 15);
    expect((after[4] as { at: number }).at - (after[0] as { at: number }).at).toBeGreaterThanOrEqual(4 * 20 - 5);
  });
});
