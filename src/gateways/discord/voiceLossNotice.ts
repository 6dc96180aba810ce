import type { VoiceFailure } from './GuildVoiceConnection.ts';

/**
 * What the bot posts in the guild's bound text channel when its voice connection gives up: what happened, in a
 * streamer's words, and what to do next. Close codes and library names stay in the logs, except where the fix
 * is for whoever hosts the bot (DAVE).
 */
export function voiceLossNotice(failure: VoiceFailure): string {
  const where = failure.channelId === '' ? 'the voice channel' : `<#${failure.channelId}>`;
  const often = failure.closes > 0 ? ` (Discord closed it ${failure.closes} times in ${windowWords(failure.windowMs)})` : '';
  switch (failure.cause) {
    case 'kicked':
      return `Someone disconnected me from ${where}, so I stopped reading chat aloud. Use /join when you want me back.`;
    case 'rate-limited':
      return `Discord is limiting how often I may connect to voice, so I left ${where}. Wait a few minutes, then use /join to bring me back.`;
    case 'call-ended':
      return `Discord ended the voice call in ${where}, so I stopped reading chat aloud. Use /join to bring me back.`;
    case 'dave':
      return (
        `I could not keep the voice connection in ${where}: Discord requires end-to-end encrypted voice (DAVE) and the ` +
        `encryption handshake kept failing${often}. Use /join to try again; if it keeps failing, whoever runs this bot ` +
        'needs to update it to a version with working DAVE support.'
      );
    case 'unstable':
      return `I lost the voice connection in ${where}${often}, so I stopped trying. Use /join to bring me back.`;
  }
}

function windowWords(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds === 60) return 'a minute';
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}
