import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/ConfigError.ts';
import { loadConfig } from '../../../config/loadConfig.ts';
import { FakeDiscord, type FakeGuild } from '../../../../test/fakes/discord/FakeDiscord.ts';
import { runChorus } from '../../../../test/support/runChorus.ts';
import { AttachmentFetcher } from '../AttachmentFetcher.ts';
import { DiscordUserError } from '../DiscordUserError.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/chorus');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('DISCORD_DEV_GUILD_ID and DISCORD_ATTACHMENT_HOSTS', () => {
  it('DISCORD_DEV_GUILD_ID is optional and must be a Discord id', () => {
    expect(loadConfig({}, '/srv').discord.devGuildId).toBeUndefined();
    expect(loadConfig({ DISCORD_DEV_GUILD_ID: ' 123456789012345678 ' }, '/srv').discord.devGuildId).toBe('123456789012345678');
    for (const value of ['my-server', '12345', '1'.repeat(23)]) {
      const error = configError({ DISCORD_DEV_GUILD_ID: value });
      expect(error.variable).toBe('DISCORD_DEV_GUILD_ID');
      expect(error.message).toMatch(/15 to 22 digits/);
    }
  });

  it('DISCORD_ATTACHMENT_HOSTS defaults to Discord\'s CDN and takes a lower-cased comma-separated list', () => {
    expect(loadConfig({}, '/srv').discord.attachmentHosts).toEqual(['cdn.discordapp.com', 'media.discordapp.net']);
    expect(loadConfig({ DISCORD_ATTACHMENT_HOSTS: ' CDN.example.com , 127.0.0.1:8080,' }, '/srv').discord.attachmentHosts).toEqual(['cdn.example.com', '127.0.0.1:8080']);
    for (const value of [',', 'https://cdn.example.com', 'cdn example.com', 'host:port']) {
      const error = configError({ DISCORD_ATTACHMENT_HOSTS: value });
      expect(error.variable).toBe('DISCORD_ATTACHMENT_HOSTS');
      expect(error.message).toMatch(/comma-separated host names/);
    }
  });
});

describe('against the fake Discord', () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    guild = fake.addGuild('Dev Server', fake.addUser('dev'));
  });
  afterAll(async () => {
    await fake?.close();
  });

  const env = (): Record<string, string> => ({ DISCORD_TOKEN: fake.token, DISCORD_CLIENT_ID: fake.application.id, DISCORD_API_URL: fake.apiUrl, LOG_LEVEL: 'info' });

  it('commands:deploy registers to DISCORD_DEV_GUILD_ID only when it is set, else globally, never printing the token', async () => {
    const toGuild = await runChorus('src/gateways/discord/deployMain.ts', [], { ...env(), DISCORD_DEV_GUILD_ID: guild.id });
    expect(toGuild.code).toBe(0);
    expect(toGuild.stdout).toContain(`in guild ${guild.id}`);
    expect(fake.commandDeploys.at(-1)?.path).toBe(`/applications/${fake.application.id}/guilds/${guild.id}/commands`);

    const globally = await runChorus('src/gateways/discord/deployMain.ts', [], env());
    expect(globally.code).toBe(0);
    expect(globally.stdout).toContain('globally');
    expect(fake.commandDeploys.at(-1)?.path).toBe(`/applications/${fake.application.id}/commands`);
    expect(fake.commandDeploys).toHaveLength(2);

    const bad = await runChorus('src/gateways/discord/deployMain.ts', [], { ...env(), DISCORD_DEV_GUILD_ID: 'test-server' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toContain('DISCORD_DEV_GUILD_ID');
    expect(fake.commandDeploys).toHaveLength(2);
    for (const run of [toGuild, globally, bad]) expect(run.stdout + run.stderr).not.toContain(fake.token);
  });

  it('attachments are downloaded only from DISCORD_ATTACHMENT_HOSTS, and never beyond the size cap', async () => {
    const bytes = Buffer.alloc(4000, 1);
    const url = fake.putAttachment('clip.wav', bytes, 'audio/wav');
    const allowed = new AttachmentFetcher({ allowedHosts: loadConfig({ DISCORD_ATTACHMENT_HOSTS: fake.cdnHost }, '/srv').discord.attachmentHosts, maxBytes: 10_000 });
    expect(Buffer.from(await allowed.fetch({ url, filename: 'clip.wav', size: bytes.length })).equals(bytes)).toBe(true);

    const defaults = new AttachmentFetcher({ allowedHosts: loadConfig({}, '/srv').discord.attachmentHosts, maxBytes: 10_000 });
    const calls = fake.restCalls.length;
    const refused = await defaults.fetch({ url, filename: 'clip.wav', size: bytes.length }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiscordUserError);
    expect((refused as Error).message).toMatch(/only download clips from Discord's own servers/);
    expect(fake.restCalls.length).toBe(calls); // nothing was requested

    // The size Discord reported is checked first; a file that turns out larger is cut off while downloading.
    const small = new AttachmentFetcher({ allowedHosts: [fake.cdnHost], maxBytes: 1000 });
    await expect(small.fetch({ url, filename: 'clip.wav', size: 4000 })).rejects.toThrow(/the limit is/);
    await expect(small.fetch({ url, filename: 'clip.wav', size: 500 })).rejects.toThrow(/larger than/);
  });
});
