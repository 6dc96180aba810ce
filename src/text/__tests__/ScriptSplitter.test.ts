import { describe, expect, it } from 'vitest';
import { splitScripts } from '../ScriptSplitter.ts';

const show = (text: string, fallback: 'zh' | 'en' = 'zh') =>
  splitScripts(text, fallback).map((run) => `${run.language}:${run.text}`);

describe('splitScripts', () => {
  it('keeps a single English word inside Chinese as its own run', () => {
    expect(show('这个game好好玩')).toEqual(['zh:这个', 'en:game', 'zh:好好玩']);
  });

  it('puts digits with the run around them', () => {
    expect(show('我有3个苹果')).toEqual(['zh:我有3个苹果']);
    expect(show('I have 3 apples')).toEqual(['en:I have 3 apples']);
    expect(show('好玩 3 games')).toEqual(['zh:好玩 ', 'en:3 games']);
    expect(show('game 3块')).toEqual(['en:game ', 'zh:3块']);
  });

  it('reads units after numbers in Chinese context as Chinese', () => {
    expect(show('跑了5km')).toEqual(['zh:跑了5km']);
    expect(show('ran 5km today', 'zh')).toEqual(['en:ran 5km today']);
  });

  it('keeps CJK punctuation with Chinese and leaves trailing ASCII punctuation with its sentence', () => {
    expect(show('hello！')).toEqual(['en:hello', 'zh:！']);
    expect(show('Hello, 你好')).toEqual(['en:Hello, ', 'zh:你好']);
  });

  it('uses the fallback language when there are no letters', () => {
    expect(show('666', 'zh')).toEqual(['zh:666']);
    expect(show('666', 'en')).toEqual(['en:666']);
  });

  it('drops letters of scripts neither voice reads, and reads の as 的', () => {
    expect(show('привет你好')).toEqual(['zh:你好']);
    expect(show('我の猫')).toEqual(['zh:我的猫']);
  });
});
