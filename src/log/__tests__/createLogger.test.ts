import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../createLogger.ts';

function capture(format: 'json' | 'pretty'): { logger: ReturnType<typeof createLogger>; output: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { logger: createLogger({ level: 'info', format, destination: stream }), output: () => text };
}

describe('createLogger', () => {
  it('writes structured JSON lines with the message and fields', () => {
    const { logger, output } = capture('json');
    logger.info({ voice: 'alice', ms: 12 }, 'synthesised');
    const line = JSON.parse(output().trim()) as Record<string, unknown>;
    expect(line.msg).toBe('synthesised');
    expect(line.voice).toBe('alice');
    expect(line.level).toBe(30);
  });

  it('redacts secrets that reach it by accident, in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { logger, output } = capture(format);
      logger.warn({ token: 'super-secret-token', headers: { authorization: 'Bot abc.def.ghi' }, secrets: { discordToken: 'x.y.z' } }, 'request failed');
      expect(output()).toContain('request failed');
      expect(output()).not.toContain('super-secret-token');
      expect(output()).not.toContain('Bot abc.def.ghi');
      expect(output()).not.toContain('x.y.z');
    }
  });

  it('pretty mode is readable text, not JSON', () => {
    const { logger, output } = capture('pretty');
    logger.info('hello streamer');
    expect(output()).toContain('INFO');
    expect(output()).toContain('hello streamer');
    expect(() => JSON.parse(output())).toThrow();
  });
});
