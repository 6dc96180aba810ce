import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/loadConfig.ts';
import { isLiveRoomTarget } from '../isLiveRoomTarget.ts';

describe('the live-room queue length', () => {
  it('tells live-room targets from others by their platform prefix', () => {
    expect(isLiveRoomTarget('bilibili:22608112')).toBe(true);
    expect(isLiveRoomTarget('bilibili:open-platform')).toBe(true);
    expect(isLiveRoomTarget('discord:123:456')).toBe(false);
    expect(isLiveRoomTarget('console')).toBe(false);
    expect(isLiveRoomTarget('bilibilifan:1')).toBe(false);
  });

  it('is 10 for live rooms and 50 elsewhere by default, and QUEUE_MAX_LENGTH sets both', () => {
    expect(loadConfig({}).queue).toMatchObject({ maxLength: 50, liveMaxLength: 10 });
    expect(loadConfig({ QUEUE_MAX_LENGTH: '30' }).queue).toMatchObject({ maxLength: 30, liveMaxLength: 30 });
    expect(() => loadConfig({ QUEUE_MAX_LENGTH: '0' })).toThrow(/QUEUE_MAX_LENGTH/);
  });
});
