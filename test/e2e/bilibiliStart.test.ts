import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBilibili } from '../fakes/bilibili/FakeBilibili.ts';
import * as bodies from '../fakes/bilibili/commandBodies.ts';
import { REPO_ROOT } from '../support/runChorus.ts';

const OPEN = { accessKeyId: 'test-key-id', accessKeySecret: 'test-key-secret-do-not-log', appId: 1_700_000_001, authCode: 'ABCDEFGH2345' };

describe('npm start with a Bilibili room (Open Platform, fake server)', () => {
  let dir: string;
  let fake: FakeBilibili;
  afterEach(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects, reads the room into files, and ends the Open Platform session on SIGTERM without logging secrets', async () => {
    dir = await mkdtemp(join(tmpdir(), 'chorus-bili-e2e-'));
    fake = await FakeBilibili.start({ openPlatform: OPEN });
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ENGINE: 'tone',
        DATABASE_PATH: join(dir, 'chorus.sqlite'), VOICES_DIR: join(dir, 'voices'), OUT_DIR: join(dir, 'out'),
        BILIBILI_AUTH_CODE: OPEN.authCode, BILIBILI_APP_ID: String(OPEN.appId), BILIBILI_ACCESS_KEY_ID: OPEN.accessKeyId, BILIBILI_ACCESS_KEY_SECRET: OPEN.accessKeySecret,
        BILIBILI_OPEN_API: fake.baseUrl,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdin.end();
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await fake.waitFor(() => fake.liveConnections.length > 0, 20_000, 'the Open Platform socket');
      fake.push([bodies.openDanmaku({ uname: '开放平台观众', msg: '你好主播', msgId: 'm-1' }), bodies.openSuperChat({ messageId: 42, rmb: 30, message: '加油' })]);
      await fake.waitFor(() => output.includes('→'), 20_000, 'speech written to a file');
      await fake.waitFor(() => (output.match(/→/g) ?? []).length >= 2, 20_000, 'two utterances');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('开放平台观众发送了30元醒目留言：加油');
    expect(output).toContain('开放平台观众说你好主播');
    expect(output).toContain('Bilibili connected');
    expect(fake.openPlatformCalls.filter((call) => call.path === '/v2/app/end' && call.signatureValid)).toHaveLength(1);
    expect(output).not.toContain(OPEN.accessKeySecret);
    expect(output).not.toContain(OPEN.authCode);
    expect((await readdir(join(dir, 'out'))).length).toBe(2);
  }, 60_000);
});
