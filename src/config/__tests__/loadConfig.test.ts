import { describe, expect, it } from 'vitest';
import { loadConfig } from '../loadConfig.ts';
import { ConfigError } from '../ConfigError.ts';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/chorus');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/chorus');
    expect(config.engine.id).toBe('builtin');
    expect(config.paths.database).toBe('/srv/chorus/voices/chorus.sqlite');
    expect(config.paths.outDir).toBe('/srv/chorus/out');
    expect(config.uploads.maxBytes).toBe(20 * 1024 * 1024);
    expect(config.secrets.discordToken).toBeUndefined();
  });

  it('reads and converts values', () => {
    const config = loadConfig({ ENGINE: 'tone', MAX_MESSAGE_CHARS: '300', OUT_DIR: '/tmp/x', LOG_LEVEL: 'debug', DISCORD_API_URL: 'http://127.0.0.1:9/api/' }, '/srv');
    expect(config.engine.id).toBe('tone');
    expect(config.text.maxCharacters).toBe(300);
    expect(config.paths.outDir).toBe('/tmp/x');
    expect(config.log.level).toBe('debug');
    expect(config.discord.apiUrl).toBe('http://127.0.0.1:9/api');
  });

  it.each([
    [{ ENGINE: 'festival' }, 'ENGINE', 'one of builtin, tone'],
    [{ MAX_MESSAGE_CHARS: '12.5' }, 'MAX_MESSAGE_CHARS', 'a whole number from 10 to 2000'],
    [{ MAX_MESSAGE_CHARS: '5' }, 'MAX_MESSAGE_CHARS', 'a whole number'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'one of trace'],
    [{ DISCORD_API_URL: 'ftp://x' }, 'DISCORD_API_URL', 'http(s) URL'],
    [{ DISCORD_CLIENT_ID: 'abc' }, 'DISCORD_CLIENT_ID', '15 to 22 digits'],
    [{ BILIBILI_ROOM_ID: 'room-1' }, 'BILIBILI_ROOM_ID', 'live room number'],
    [{ ENGINE: 'gpt-sovits' }, 'GPT_SOVITS_MODEL_DIR', 'GPT-SoVITS v2 model'],
    [{ GPT_SOVITS_DECODER_WEIGHTS: 'fp8' }, 'GPT_SOVITS_DECODER_WEIGHTS', 'one of int8, float32'],
  ])('names the variable and what is expected: %j', (env, variable, expected) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: expected`)).toBe(true);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('\n');
  });

  it('takes the neural engine with its model folder', () => {
    const config = loadConfig({ ENGINE: 'gpt-sovits', GPT_SOVITS_MODEL_DIR: 'models/mine', ENGINE_THREADS: '4' }, '/srv');
    expect(config.engine.id).toBe('gpt-sovits');
    expect(config.engine.gptSovitsModelDir).toBe('/srv/models/mine');
    expect(config.engine.threads).toBe(4);
    expect(config.engine.hubertPath).toBeUndefined();
    expect(config.engine.gptSovitsDecoderWeights).toBe('int8');
    expect(loadConfig({ GPT_SOVITS_DECODER_WEIGHTS: 'float32' }).engine.gptSovitsDecoderWeights).toBe('float32');
  });

  it('accepts a well-formed token and never repeats a malformed one', () => {
    expect(loadConfig({ DISCORD_TOKEN: TOKEN }).secrets.discordToken).toBe(TOKEN);
    const leaked = 'not-a-token-but-still-secret-hunter2';
    const error = errorOf({ DISCORD_TOKEN: leaked });
    expect(error.variable).toBe('DISCORD_TOKEN');
    expect(error.message).not.toContain(leaked);
    expect(error.message).not.toContain('hunter2');
  });
});
