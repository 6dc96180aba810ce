import { describe, expect, it } from 'vitest';
import type { VoiceFailure } from '../GuildVoiceConnection.ts';
import { voiceLossNotice } from '../voiceLossNotice.ts';

const failure = (overrides: Partial<VoiceFailure>): VoiceFailure => ({
  cause: 'unstable',
  reason: 'the voice server kept closing the connection (code 4006)',
  channelId: '123456789012345678',
  closes: 0,
  windowMs: 60_000,
  whileJoining: false,
  ...overrides,
});

describe('voiceLossNotice', () => {
  it('says what happened, where, how often, and to use /join, without close codes', () => {
    const text = voiceLossNotice(failure({ closes: 4 }));
    expect(text).toBe('I lost the voice connection in <#123456789012345678> (Discord closed it 4 times in a minute), so I stopped trying. Use /join to bring me back.');
    expect(voiceLossNotice(failure({ closes: 5, windowMs: 120_000 }))).toMatch(/5 times in 2 minutes/);
    expect(voiceLossNotice(failure({ closes: 3, windowMs: 30_000 }))).toMatch(/3 times in 30 seconds/);
    for (const cause of ['kicked', 'rate-limited', 'call-ended', 'dave', 'unstable'] as const) {
      const notice = voiceLossNotice(failure({ cause, closes: 4 }));
      expect(notice).toMatch(/\/join/);
      expect(notice).not.toMatch(/40\d\d/);
    }
  });

  it('tells the host, not the streamer, to fix missing DAVE support; asks to wait after a rate limit', () => {
    expect(voiceLossNotice(failure({ cause: 'dave', closes: 4 }))).toMatch(/end-to-end encrypted voice \(DAVE\).*whoever runs this bot needs to update it/);
    expect(voiceLossNotice(failure({ cause: 'rate-limited' }))).toMatch(/Wait a few minutes/);
    expect(voiceLossNotice(failure({ channelId: '' }))).toMatch(/in the voice channel/);
  });
});
