import { describe, expect, it } from 'vitest';
import type { GiftEvent } from '../BilibiliEvent.ts';
import { GiftMerger, type MergedGift } from '../GiftMerger.ts';
import { BilibiliSettingsError, parseBilibiliSettings } from '../BilibiliSettings.ts';
import { readEmoticons } from '../emoticons.ts';

function gift(overrides: Partial<GiftEvent> = {}): GiftEvent {
  return {
    type: 'gift', source: 'web', roomId: 1, cmd: 'SEND_GIFT', receivedAt: Date.now(), variant: 'legacy',
    viewer: { id: '7', name: '小红', masked: false, guardLevel: 0 },
    giftId: 1, giftName: '小花花', num: 1, coinType: 'gold', unitPrice: 100, totalCoin: 100, action: '投喂', dedupeKey: String(Math.random()),
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GiftMerger', () => {
  it('sums a run per viewer and gift, keeps other gifts and viewers apart, and says a long combo by the maximum hold', async () => {
    const merged: MergedGift[] = [];
    const merger = new GiftMerger((m) => merged.push(m), { quietMs: 60, comboQuietMs: 60, maxHoldMs: 200 });
    merger.add(gift({ num: 1 }));
    merger.add(gift({ num: 4, totalCoin: 400 }));
    merger.add(gift({ giftId: 2, giftName: '辣条' }));
    merger.add(gift({ viewer: { id: '8', name: '小蓝', masked: false, guardLevel: 0 } }));
    await sleep(120);
    expect(merged.map((m) => [m.first.viewer.id, m.first.giftName, m.num, m.totalCoin])).toEqual([
      ['7', '小花花', 5, 500],
      ['7', '辣条', 1, 100],
      ['8', '小花花', 1, 100],
    ]);
    merged.length = 0;
    const start = Date.now();
    for (let i = 0; i < 8; i++) {
      merger.add(gift({ comboId: 'c1', receivedAt: Date.now() }));
      await sleep(40);
    }
    await sleep(100);
    // A steady combo never goes quiet; the maximum hold splits it.
    expect(merged.length).toBeGreaterThanOrEqual(2);
    expect(merged.reduce((sum, m) => sum + m.num, 0)).toBe(8);
    expect(merged[0]!.first.receivedAt - start).toBeLessThan(50);
    merger.close();
  });
});

describe('Bilibili settings file and emoticons', () => {
  it('rejects typos with the entry named, and keeps defaults for what is not set', () => {
    expect(() => parseBilibiliSettings({ templatse: {} }, 'chorus.bilibili.json')).toThrow(/"templatse" should be one of templates/);
    expect(() => parseBilibiliSettings({ templates: { gift: '感谢{uname}{gfit}' } }, 'chorus.bilibili.json')).toThrow(BilibiliSettingsError);
    expect(() => parseBilibiliSettings({ voices: { 123: 5 } }, 'x.json')).toThrow(/voices.123/);
    const settings = parseBilibiliSettings({ templates: { like: '谢谢{uname}的{num}个赞', danmaku: '' }, voices: { 6088969: 'alice' } }, 'x.json');
    expect(settings.templates.like).toBe('谢谢{uname}的{num}个赞');
    expect(settings.templates.danmaku).toBe('');
    expect(settings.templates.gift).toBe('感谢{uname}赠送的{num}个{gift}');
    expect(settings.voices).toEqual({ 6088969: 'alice' });
  });

  it('reads emoticons by name or drops them', () => {
    expect(readEmoticons('好[doge]耶[热词系列_一直都在]', 'name')).toBe('好 doge 耶 一直都在');
    expect(readEmoticons('[doge][妙啊]', 'drop')).toBe('');
  });
});
