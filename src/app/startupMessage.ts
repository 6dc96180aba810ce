import type { Config } from '../config/Config.ts';

/** What the console prints at start: where speech goes and how to connect the platforms. */
export function startupMessage(config: Config): string {
  const lines = [`Chorus is reading the console. Speech is written to ${config.paths.outDir}/ as .ogg files.`];
  if (config.secrets.discordToken === undefined) {
    lines.push('To read a Discord server: set DISCORD_TOKEN and DISCORD_CLIENT_ID in .env (see .env.example), then restart.');
  } else {
    lines.push('Discord is configured; the Discord gateway is not part of this build yet.');
  }
  if (config.bilibili.roomId === undefined) {
    lines.push('To read a Bilibili live room: set BILIBILI_ROOM_ID in .env, then restart.');
  } else {
    lines.push(`Bilibili room ${config.bilibili.roomId} is configured; the Bilibili gateway is not part of this build yet.`);
  }
  return lines.join('\n');
}
