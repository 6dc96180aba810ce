import type { Config } from '../config/Config.ts';

/** What the console prints at start: where speech goes and how to connect the platforms. */
export function startupMessage(config: Config): string {
  const lines = [`Chorus is reading the console. Speech is written to ${config.paths.outDir}/ as .ogg files.`];
  if (config.secrets.discordToken === undefined) {
    lines.push('To read a Discord server: set DISCORD_TOKEN and DISCORD_CLIENT_ID in .env (see .env.example), then restart.');
  } else {
    lines.push('Discord is configured; the Discord gateway is not part of this build yet.');
  }
  if (config.secrets.bilibiliAuthCode !== undefined) {
    lines.push('Reading a Bilibili live room through the Open Platform (身份码). Stop with Ctrl-C.');
  } else if (config.bilibili.roomId === undefined) {
    lines.push('To read a Bilibili live room: set BILIBILI_ROOM_ID (or BILIBILI_AUTH_CODE for the Open Platform) in .env, then restart.');
  } else {
    lines.push(`Reading Bilibili room ${config.bilibili.roomId}${config.secrets.bilibiliCookie === undefined ? ' (no login cookie: viewer names are hidden by Bilibili)' : ''}. Stop with Ctrl-C.`);
  }
  return lines.join('\n');
}
