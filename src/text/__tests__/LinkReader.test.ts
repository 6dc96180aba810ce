import { describe, expect, it } from 'vitest';
import { readLinks } from '../LinkReader.ts';

describe('readLinks', () => {
  it('replaces URLs by 链接 in Chinese and "link" in English', () => {
    expect(readLinks('快看https://b23.tv/abc123', 'en')).toBe('快看链接');
    expect(readLinks('see www.example.com now', 'zh')).toBe('see link now');
    expect(readLinks('去bilibili.com看', 'en')).toBe('去链接看');
  });

  it('replaces email addresses and keeps mentions and hashtags readable', () => {
    expect(readLinks('发到a.b@qq.com', 'zh')).toBe('发到邮箱');
    expect(readLinks('@cool_guy_99 hi', 'en')).toBe('cool guy 99 hi');
    expect(readLinks('#原神# 好玩', 'zh')).toBe('原神 好玩');
    expect(readLinks('#gaming', 'en')).toBe('gaming ');
  });

  it('leaves ordinary text and decimals alone', () => {
    expect(readLinks('价格3.14元', 'zh')).toBe('价格3.14元');
  });
});
