import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Chorus, type ChorusOptions } from '../../../app/Chorus.ts';
import { poolVoice } from '../../../chat/ViewerVoiceChooser.ts';
import { loadConfig } from '../../../config/loadConfig.ts';
import { createLogger } from '../../../log/createLogger.ts';
import type { AudioSink } from '../../../playback/AudioSink.ts';
import type { UtteranceInfo } from '../../../playback/UtteranceInfo.ts';
import { ToneEngine } from '../../../synthesis/engines/tone/ToneEngine.ts';
import { voiceInput } from '../../../voices/__tests__/voiceTestSupport.ts';
import type { VoiceOwner } from '../../../voices/Voice.ts';
import { BilibiliGateway } from '../BilibiliGateway.ts';
import { DanmakuClient } from '../DanmakuClient.ts';
import { FakeBilibili } from '../../../../test/fakes/bilibili/FakeBilibili.ts';
import * as bodies from '../../../../test/fakes/bilibili/commandBodies.ts';

const OPERATOR: VoiceOwner = { platform: 'console', userId: 'local' };
const TARGET = 'bilibili:test';

/** Records what reached the audio output, in order. */
class RecordingSink implements AudioSink {
  readonly spoken: UtteranceInfo[] = [];
  begin(utterance: UtteranceInfo): void {
    this.spoken.push(utterance);
  }
  write(): void {}
  end(): void {}
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(env: Record<string, string> = {}, options: Partial<ChorusOptions> = {}, dir?: string) {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'chorus-bili-')));
  if (dir === undefined) cleanups.push(() => rm(root, { recursive: true, force: true }));
  const config = loadConfig({ DATABASE_PATH: join(root, 'chorus.sqlite'), VOICES_DIR: join(root, 'voices'), OUT_DIR: join(root, 'out'), ENGINE: 'tone', ...env });
  const fake = await FakeBilibili.start();
  const chorus = await Chorus.start({ config, logger: createLogger({ level: 'silent', format: 'json' }), engine: new ToneEngine({ msPerCharacter: 2, chunkDelayMs: 0 }), ...options });
  const sink = new RecordingSink();
  chorus.attachSink(TARGET, sink);
  const client = new DanmakuClient({ roomId: fake.shortRoomId, liveApiBase: fake.baseUrl, mainApiBase: fake.baseUrl, scheme: 'ws', backoff: { initialDelayMs: 20, maxDelayMs: 200, jitterMs: 10 } });
  const gateway = new BilibiliGateway({ host: chorus, target: TARGET, giftMerge: { quietMs: 150, comboQuietMs: 200, maxHoldMs: 2_000 } });
  gateway.attach(client);
  cleanups.push(async () => {
    gateway.close();
    await client.close();
    await chorus.close();
    await fake.close();
  });
  await client.start();
  const player = chorus.player(TARGET);
  /** Waits until the gateway has passed on `count` events and each has been decided (queued or dropped). */
  const settled = async (count: number): Promise<void> => {
    await fake.waitFor(() => gateway.stats.forwarded >= count, 5_000, `${count} forwarded events`);
    await fake.waitFor(() => {
      const tally = Object.values(chorus.accounting.snapshot().byClass).reduce((sum, c) => sum + c.received, 0);
      return tally >= count;
    }, 5_000, `${count} decided events`);
  };
  return { fake, chorus, sink, gateway, player, settled, root };
}

describe('BilibiliGateway with the fake room, the real pipeline and the tone engine', () => {
  it('reads danmaku with the template in the viewer’s bound voice, hides masked names, reads emoticons by name, never reads lottery danmaku', async () => {
    const { fake, chorus, sink, gateway, player } = await setUp();
    // A live room's queue is short unless QUEUE_MAX_LENGTH says otherwise (the flood test below sets 5).
    expect(player.queue.maxLength).toBe(10);
    const alice = await chorus.registry.register(voiceInput(OPERATOR, 'alice'));
    await chorus.viewerVoices.bind({ platform: 'bilibili', userId: '6088969' }, undefined, alice.id, OPERATOR);
    fake.push([
      bodies.danmuMsg({ uid: 6088969, uname: '晴天小猪', text: '主播晚上好', idStr: 'd1' }),
      bodies.danmuMsg({ uid: 6088970, uname: '抽奖的人', text: '老板大气！点点红包抽礼物', idStr: 'd2', msgType: 1 }),
      bodies.danmuMsg({ uid: 0, uname: '提***', text: '好听[doge]', idStr: 'd3' }),
    ]);
    await chorus.whenIdle();
    await fake.waitFor(() => sink.spoken.length >= 2, 5_000, 'two utterances');
    await chorus.whenIdle();
    expect(sink.spoken.map((u) => u.displayText)).toEqual(['晴天小猪说主播晚上好', '一位观众说好听 doge']);
    expect(sink.spoken[0]!.voiceId).toBe(alice.id);
    expect(sink.spoken[1]!.voiceId).toBe('default');
    expect(gateway.stats.skipped.automatic).toBe(1);
  });

  it('merges repeated gifts of one viewer into one sentence with the summed count, and drops the protobuf copy of a gift', async () => {
    const { fake, chorus, sink, gateway } = await setUp();
    fake.push([
      bodies.sendGift({ uid: 7001, uname: '送花的人', giftId: 31036, giftName: '小花花', num: 1, price: 100, tid: 't1' }),
      bodies.sendGiftV2({ uid: 7001, uname: '送花的人', items: [{ giftId: 31036, giftName: '小花花', num: 1, price: 100, totalCoin: 100, coinType: 'gold', tid: 't1' } as never] }),
      bodies.sendGift({ uid: 7001, uname: '送花的人', giftId: 31036, giftName: '小花花', num: 2, price: 100, tid: 't2' }),
    ]);
    fake.push([bodies.sendGift({ uid: 7001, uname: '送花的人', giftId: 31036, giftName: '小花花', num: 3, price: 100, tid: 't3' })]);
    await fake.waitFor(() => sink.spoken.length >= 1, 5_000, 'the merged gift');
    await chorus.whenIdle();
    expect(sink.spoken.map((u) => u.displayText)).toEqual(['感谢送花的人赠送的6个小花花']);
    expect(gateway.stats.skipped['duplicate-gift']).toBe(1);
    expect(gateway.stats.giftsMerged).toBe(2);
  });

  it('reads one guard purchase once, whatever commands announce it', async () => {
    const { fake, chorus, sink, gateway } = await setUp();
    const purchase = { uid: 4200001, uname: '舰长大人', level: 3 as const };
    fake.push([bodies.guardBuy(purchase), bodies.userToastMsg(purchase), bodies.userToastMsgV2(purchase), bodies.userToastMsgV2(purchase)]);
    await fake.waitFor(() => sink.spoken.length >= 1, 5_000, 'the guard thanks');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await chorus.whenIdle();
    expect(sink.spoken.map((u) => [u.displayText, u.priority])).toEqual([['感谢舰长大人开通了1个月的舰长', 'guard']]);
    expect(gateway.stats.skipped['duplicate-guard']).toBe(3);
    expect(chorus.accounting.snapshot().byClass.guard).toMatchObject({ received: 1, spoken: 1, pending: 0 });
  });

  it('under a flood keeps the queue bounded: super chats by amount, then guards, then danmaku; evicts danmaku and accounts for every super chat', async () => {
    const { fake, chorus, sink, player, settled } = await setUp({ QUEUE_MAX_LENGTH: '5', CHAT_VIEWER_MAX_PER_MINUTE: '0', CHAT_REPEAT_WINDOW_SECONDS: '0' });
    player.pause();
    const danmaku = Array.from({ length: 8 }, (_, i) => bodies.danmuMsg({ uid: 8000 + i, uname: `观众${i}`, text: `第${i}条弹幕`, idStr: `f${i}` }));
    fake.push(danmaku.slice(0, 4));
    fake.push([bodies.superChat({ id: 1, price: 30, uname: '三十元', message: '加油' }), ...danmaku.slice(4), bodies.guardBuy({ uid: 4200002, uname: '新舰长' })]);
    fake.push([bodies.superChat({ id: 2, price: 100, uname: '一百元', message: '唱首歌' }), bodies.superChat({ id: 2, price: 100, uname: '一百元', message: '唱首歌', jpn: true })]);
    await settled(11);
    const queued = player.queue.entries().map((entry) => entry.job.displayText);
    expect(queued).toEqual(['一百元发送了100元醒目留言：唱首歌', '三十元发送了30元醒目留言：加油', '感谢新舰长开通了1个月的舰长', '观众6说第6条弹幕', '观众7说第7条弹幕']);
    const snapshot = chorus.accounting.snapshot();
    expect(snapshot.byClass.chat.dropped['queue-full']).toBe(6);
    expect(snapshot.byClass.superChat).toMatchObject({ received: 2, pending: 2 });
    player.resume();
    await chorus.whenIdle();
    expect(sink.spoken.map((u) => u.displayText)).toEqual(queued);
    // The overlay's subtitle shows what a paid message cost; ordinary danmaku carry no amount.
    expect(sink.spoken.map((u) => u.paidAmount)).toEqual(['¥100', '¥30', '¥198', undefined, undefined]);
    const after = chorus.accounting.snapshot();
    expect(after.tracked.filter((item) => item.priority === 'superChat').map((item) => item.state)).toEqual(['spoken', 'spoken']);
    expect(after.byClass.superChat).toMatchObject({ received: 2, spoken: 2, pending: 0 });
  });

  it('drops what waited longer than its class allows, and accounts for an expired super chat with the reason', async () => {
    const { fake, chorus, sink, player, settled } = await setUp({ CHAT_MAX_AGE_SECONDS: 'superChat=1,chat=1', CHAT_BACKLOG_WARN_SECONDS: '0' });
    player.pause();
    fake.push([bodies.danmuMsg({ idStr: 'old', text: '过时的弹幕' }), bodies.superChat({ id: 9, price: 50 })]);
    await settled(2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    player.resume();
    await chorus.whenIdle();
    expect(sink.spoken).toEqual([]);
    const { byClass, tracked } = chorus.accounting.snapshot();
    expect(byClass.chat.dropped.expired).toBe(1);
    expect(tracked).toEqual([expect.objectContaining({ priority: 'superChat', state: 'dropped', reason: 'expired' })]);
  });

  it('withdraws a recalled danmaku and a deleted super chat that were not read yet', async () => {
    const { fake, chorus, sink, player, settled, gateway } = await setUp();
    player.pause();
    fake.push([bodies.danmuMsg({ idStr: 'recall-me', text: '发错了' }), bodies.danmuMsg({ uid: 1, uname: '留下', idStr: 'keep', text: '这条留着' }), bodies.superChat({ id: 77, price: 30 })]);
    await settled(3);
    fake.push([bodies.recallDanmu('recall-me'), bodies.superChatDelete([77])]);
    await fake.waitFor(() => gateway.stats.retracted === 2, 5_000, 'two retractions');
    player.resume();
    await chorus.whenIdle();
    expect(sink.spoken.map((u) => u.displayText)).toEqual(['留下说这条留着']);
    expect(chorus.accounting.item('bilibili:22608112:sc:77')).toMatchObject({ state: 'dropped', reason: 'retracted' });
  });

  it('paid-only mode with a gift threshold reads super chats and dear gifts only; blocked words and muted viewers are not read', async () => {
    const { fake, chorus, sink, settled } = await setUp({ CHAT_READ_MODE: 'paid-only', CHAT_MIN_GIFT_CNY: '5', CHAT_BLOCKED_WORDS: '加微信' });
    chorus.mutes.mute({ platform: 'bilibili', userId: '9100', displayName: '被静音的人' });
    fake.push([
      bodies.danmuMsg({ text: '普通弹幕' }),
      // ¥2: a paid gift, but under the ¥5 threshold.
      bodies.sendGift({ uid: 9001, uname: '小气', giftName: '棒棒糖', num: 1, price: 2_000, tid: 'cheap' }),
      bodies.sendGift({ uid: 9002, uname: '大方', giftName: '小电视飞船', num: 1, price: 1_245_000, tid: 'dear' }),
      bodies.superChat({ id: 5, uid: 9003, uname: '广告', price: 30, message: '加 微信 领福利' }),
      bodies.superChat({ id: 6, uid: 9100, uname: '被静音的人', price: 30, message: '你好' }),
      bodies.superChat({ id: 7, uid: 9004, uname: '正常', price: 30, message: '支持' }),
    ]);
    await settled(6);
    await chorus.whenIdle();
    expect(sink.spoken.map((u) => u.displayText).sort()).toEqual(['感谢大方赠送的1个小电视飞船', '正常发送了30元醒目留言：支持'].sort());
    const { droppedByReason, tracked } = chorus.accounting.snapshot();
    expect(droppedByReason).toMatchObject({ 'paid-only': 1, 'below-threshold': 1, 'blocked-word': 1, muted: 1 });
    expect(tracked.map((item) => [item.id, item.state, item.reason])).toEqual([
      ['bilibili:22608112:sc:5', 'dropped', 'blocked-word'],
      ['bilibili:22608112:sc:6', 'dropped', 'muted'],
      ['bilibili:22608112:sc:7', 'spoken', undefined],
    ]);
  });

  it('gives an unbound viewer the same pool voice after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-bili-pool-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const ids: string[] = [];
    for (let run = 0; run < 2; run++) {
      const env: Record<string, string> = run === 0 ? {} : { BILIBILI_VOICE_POOL: 'alto,bass,tenor' };
      const { fake, chorus, sink } = await setUp(env, {}, dir);
      if (run === 0) {
        for (const name of ['alto', 'bass', 'tenor']) await chorus.registry.register(voiceInput(OPERATOR, name));
        continue;
      }
      fake.push([bodies.danmuMsg({ uid: 123456, uname: '老观众', text: '又来了', idStr: 'p1' })]);
      await fake.waitFor(() => sink.spoken.length >= 1, 5_000, 'the message');
      ids.push(sink.spoken[0]!.voiceId);
      const pool = await Promise.all(['alto', 'bass', 'tenor'].map(async (name) => (await chorus.registry.findByName(name, OPERATOR))!.id));
      expect(ids[0]).toBe(poolVoice(pool, 'bilibili:123456'));
    }
    // A second process (a restart) picks the same voice.
    const { fake, sink } = await setUp({ BILIBILI_VOICE_POOL: 'alto,bass,tenor' }, {}, dir);
    fake.push([bodies.danmuMsg({ uid: 123456, uname: '老观众', text: '我又来了', idStr: 'p2' })]);
    await fake.waitFor(() => sink.spoken.length >= 1, 5_000, 'the message after a restart');
    expect(sink.spoken[0]!.voiceId).toBe(ids[0]);
  });
});
