import { describe, expect, it } from 'vitest';
import { BacklogWarner } from '../BacklogWarner.ts';
import type { ChatEvent } from '../ChatEvent.ts';
import { ChatPolicy, type ChatPolicyOptions } from '../ChatPolicy.ts';
import { renderTemplate, TemplateError, validateTemplate } from '../ChatTemplate.ts';
import { poolVoice, ViewerVoiceChooser } from '../ViewerVoiceChooser.ts';
import type { Sentence } from '../../text/TextPart.ts';

const text = {
  process: (input: string): Sentence[] => (input.trim() === '' ? [] : [{ parts: [{ language: 'zh', text: input }] }]),
  hasReadableText: (input: string): boolean => input.trim() !== '',
};
const voices = { chooseVoice: async (): Promise<string> => 'default' };

function event(overrides: Partial<ChatEvent> = {}): ChatEvent {
  return { id: `e${Math.random()}`, platform: 'bilibili', target: 't', author: { userId: '1', displayName: '小明' }, text: '你好', kind: 'chat', receivedAt: 1_000, ...overrides };
}

function policy(options: Partial<ChatPolicyOptions> = {}, clock = { now: 0 }): ChatPolicy {
  return new ChatPolicy(text, voices, { ignoreBots: true, maxAgeMs: { default: 60_000, superChat: 600_000 }, now: () => clock.now, ...options });
}

describe('ChatPolicy for live rooms', () => {
  it('classifies super chat > guard > paid gift at the threshold > message > cheap or free gift > thanks, and weights super chats by amount', async () => {
    const p = policy({ paidGiftCny: 1 });
    expect(p.classify(event({ eventType: 'superChat', amountCny: 30, paid: true }))).toBe('superChat');
    expect(p.classify(event({ eventType: 'guard', amountCny: 138, paid: true }))).toBe('guard');
    expect(p.classify(event({ eventType: 'gift', amountCny: 1, paid: true }))).toBe('paidGift');
    expect(p.classify(event({ eventType: 'gift', amountCny: 0.5, paid: true }))).toBe('freeGift');
    expect(p.classify(event({ eventType: 'gift', amountCny: 0, paid: false }))).toBe('freeGift');
    expect(p.classify(event())).toBe('chat');
    expect(p.classify(event({ eventType: 'follow' }))).toBe('other');
    const decision = await p.decide(event({ eventType: 'superChat', amountCny: 50, paid: true, receivedAt: 0 }));
    expect(decision).toMatchObject({ kind: 'speak', job: { priority: 'superChat', weight: 50, deadline: 600_000 } });
  });

  it('fills the template once, so a viewer typing {uname} is read literally, and reads a blocked name as a neutral word', async () => {
    const p = policy({ blockedWords: ['加微信'] });
    const spoken = await p.decide(event({ text: '我是{uname}', speech: { template: '{uname}说{msg}', values: {} } }));
    expect(spoken).toMatchObject({ job: { displayText: '小明说我是{uname}' } });
    const blockedName = await p.decide(event({ author: { userId: '2', displayName: '加 微信 123' }, speech: { template: '{uname}说{msg}', values: {} } }));
    expect(blockedName).toMatchObject({ job: { displayText: '一位观众说你好' } });
    expect(await p.decide(event({ text: '加微信领福利' }))).toMatchObject({ kind: 'drop', reason: 'blocked-word' });
    expect(await p.decide(event({ text: '', speech: { template: '{uname}说{msg}', values: {} } }))).toMatchObject({ kind: 'drop', reason: 'empty' });
  });

  it('drops exact repeats within the window, limits each viewer, and samples ordinary messages but never super chats', async () => {
    const clock = { now: 0 };
    const p = policy({ repeatWindowMs: 10_000, viewerRate: { max: 2, windowMs: 60_000 } }, clock);
    expect(await p.decide(event({ text: '草', author: { userId: 'a', displayName: 'a' } }))).toMatchObject({ kind: 'speak' });
    expect(await p.decide(event({ text: ' 草 ', author: { userId: 'b', displayName: 'b' } }))).toMatchObject({ kind: 'drop', reason: 'repeat' });
    clock.now = 11_000;
    expect(await p.decide(event({ text: '草', author: { userId: 'b', displayName: 'b' } }))).toMatchObject({ kind: 'speak' });
    expect(await p.decide(event({ text: '一', author: { userId: 'c', displayName: 'c' } }))).toMatchObject({ kind: 'speak' });
    expect(await p.decide(event({ text: '二', author: { userId: 'c', displayName: 'c' } }))).toMatchObject({ kind: 'speak' });
    expect(await p.decide(event({ text: '三', author: { userId: 'c', displayName: 'c' } }))).toMatchObject({ kind: 'drop', reason: 'rate-limited' });
    clock.now = 72_000;
    expect(await p.decide(event({ text: '四', author: { userId: 'c', displayName: 'c' } }))).toMatchObject({ kind: 'speak' });

    const sampled = policy({ sampleRate: 0.25, random: () => 0.5 });
    expect(await sampled.decide(event({ text: '普通' }))).toMatchObject({ kind: 'drop', reason: 'sampled-out', priority: 'chat' });
    expect(await sampled.decide(event({ eventType: 'superChat', amountCny: 30, paid: true }))).toMatchObject({ kind: 'speak' });
  });

  it('paid-only mode keeps super chats, guards and paid gifts; the threshold drops cheaper gifts', async () => {
    const p = policy({ readMode: 'paid-only', minGiftCny: 5 });
    expect(await p.decide(event())).toMatchObject({ kind: 'drop', reason: 'paid-only' });
    expect(await p.decide(event({ eventType: 'gift', amountCny: 0, paid: false }))).toMatchObject({ kind: 'drop', reason: 'paid-only' });
    expect(await p.decide(event({ eventType: 'gift', amountCny: 2, paid: true }))).toMatchObject({ kind: 'drop', reason: 'below-threshold', priority: 'paidGift' });
    expect(await p.decide(event({ eventType: 'gift', amountCny: 10, paid: true, text: '', speech: { template: '感谢{uname}', values: {} } }))).toMatchObject({ kind: 'speak' });
    expect(await p.decide(event({ eventType: 'guard', amountCny: 138, paid: true }))).toMatchObject({ kind: 'speak' });
  });
});

describe('templates, backlog warnings and pool voices', () => {
  it('validates placeholders and renders in one pass', () => {
    expect(() => validateTemplate('templates.gift', '感谢{uname}的{gfit}', ['uname', 'gift'])).toThrow(TemplateError);
    expect(() => validateTemplate('templates.gift', '感谢{uname', ['uname'])).toThrow(/stray/);
    expect(renderTemplate('{a}{b}{c}', { a: '{b}', b: '2' })).toBe('{b}2');
  });

  it('warns once the oldest message waited too long, at most once per interval', () => {
    const warner = new BacklogWarner({ afterMs: 30_000, everyMs: 60_000 });
    expect(warner.check({ waiting: 10, oldestWaitMs: 20_000 }, 0)).toBeUndefined();
    expect(warner.check({ waiting: 12, oldestWaitMs: 31_000 }, 1_000)).toBe('弹幕有点多，朗读延迟约31秒，还有12条待读');
    expect(warner.check({ waiting: 12, oldestWaitMs: 40_000 }, 30_000)).toBeUndefined();
    expect(warner.check({ waiting: 3, oldestWaitMs: 35_000 }, 62_000)).toBeDefined();
  });

  it('binds first, then the viewer’s own choice, then a stable pool voice', async () => {
    const pool = ['v1', 'v2', 'v3'];
    const chooser = new ViewerVoiceChooser(voices, { defaultVoiceId: 'default', pools: { bilibili: pool }, bindings: { boundVoiceId: async (viewer) => (viewer.userId === 'bound' ? 'vb' : undefined) } });
    expect(await chooser.chooseVoice(event({ author: { userId: 'bound', displayName: 'x' } }))).toBe('vb');
    const picks = await Promise.all(Array.from({ length: 30 }, (_, i) => chooser.chooseVoice(event({ author: { userId: String(i), displayName: 'x' } }))));
    expect(new Set(picks)).toEqual(new Set(pool));
    expect(picks[7]).toBe(poolVoice(pool, 'bilibili:7'));
    expect(await chooser.chooseVoice(event({ platform: 'discord' }))).toBe('default');
  });
});
