import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../chat/ChatEvent.ts';
import { loadConfig } from '../../config/loadConfig.ts';
import { createLogger } from '../../log/createLogger.ts';
import { ToneEngine } from '../../synthesis/engines/tone/ToneEngine.ts';
import { Chorus } from '../Chorus.ts';
import { ChorusOverlayControl } from '../ChorusOverlayControl.ts';

const root = await mkdtemp(join(tmpdir(), 'chorus-mutes-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const start = (): Promise<Chorus> =>
  Chorus.start({
    config: loadConfig({ DATABASE_PATH: join(root, 'chorus.sqlite'), VOICES_DIR: join(root, 'voices'), OUT_DIR: join(root, 'out'), ENGINE: 'tone' }),
    logger: createLogger({ level: 'silent', format: 'json' }),
    engine: new ToneEngine({ msPerCharacter: 2, chunkDelayMs: 0 }),
  });

let next = 0;
const chat = (userId: string, text: string): ChatEvent => ({
  id: `m${next++}`,
  platform: 'bilibili',
  target: 'bilibili:1',
  scopeId: '1',
  author: { userId, displayName: `观众${userId}` },
  text,
  kind: 'chat',
  receivedAt: Date.now(),
});

describe('mutes from the control page', () => {
  it('survive a restart (SQLite file), and an unmute does too', async () => {
    let chorus = await start();
    try {
      const control = new ChorusOverlayControl(chorus);
      control.mute({ platform: 'bilibili', userId: '100', displayName: '刷屏的人' });
      control.mute({ platform: 'bilibili', userId: '200', displayName: '另一个' });
      expect(control.unmute({ platform: 'bilibili', userId: '200' })).toBe(true);
      expect((await chorus.say(chat('100', '还在吗'))).kind).toBe('dropped');
    } finally {
      await chorus.close();
    }

    chorus = await start();
    try {
      expect(new ChorusOverlayControl(chorus).state().mutes).toEqual([{ platform: 'bilibili', userId: '100', displayName: '刷屏的人', mutedAt: expect.any(Number) }]);
      const muted = await chorus.say(chat('100', '重启之后呢'));
      expect(muted).toMatchObject({ kind: 'dropped', reason: 'muted' });
      expect((await chorus.say(chat('200', '我被解除了'))).kind).toBe('queued');
      new ChorusOverlayControl(chorus).unmute({ platform: 'bilibili', userId: '100' });
    } finally {
      await chorus.close();
    }

    chorus = await start();
    try {
      expect(chorus.mutes.list()).toEqual([]);
    } finally {
      await chorus.close();
    }
  });
});
