import { describe, expect, it } from 'vitest';
import type { GiftEvent } from '../BilibiliEvent.ts';
import { GiftMerger, type MergedGift } from '../GiftMerger.ts';
import { RecentKeys } from '../RecentKeys.ts';

function gift(viewer: number, receivedAt: number): GiftEvent {
  return {
    type: 'gift', source: 'web', roomId: 1, cmd: 'SEND_GIFT', receivedAt, variant: 'legacy',
    viewer: { id: String(viewer), name: `观众${viewer}`, masked: false, guardLevel: 0 },
    giftId: 1, giftName: '小花花', num: 1, coinType: 'silver', unitPrice: 0, totalCoin: 0, action: '投喂', dedupeKey: `g${viewer}-${receivedAt}`,
  };
}

describe('memory bounds of the gateway state under a long flood', () => {
  it('RecentKeys forgets keys older than its time to live, and never holds more than its maximum', () => {
    const keys = new RecentKeys(1_000, 300);
    let maxSize = 0;
    for (let n = 0; n < 10_000; n++) {
      expect(keys.seen(`k${n}`, n)).toBe(false);
      maxSize = Math.max(maxSize, keys.size);
    }
    expect(maxSize).toBeLessThanOrEqual(301);
    expect(maxSize).toBeGreaterThan(250);
    // Within the time to live a key is still known; once everything is older, one new key is all that is left.
    expect(keys.seen('k9999', 10_000)).toBe(true);
    keys.seen('late', 20_000);
    expect(keys.size).toBe(1);
  });

  it('GiftMerger holds only runs still going: after thousands of viewers each gave once, nothing is left once they went quiet', async () => {
    const merged: MergedGift[] = [];
    const merger = new GiftMerger((run) => merged.push(run), { quietMs: 20, comboQuietMs: 20, maxHoldMs: 100 });
    const now = Date.now();
    for (let viewer = 0; viewer < 2_000; viewer++) merger.add(gift(viewer, now));
    expect(merger.pending).toBe(2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(merger.pending).toBe(0);
    expect(merged).toHaveLength(2_000);
    merger.close();
  });
});
