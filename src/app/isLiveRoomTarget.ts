import type { PlaybackTargetId } from '../speech/SpeechJob.ts';

/** Platforms whose targets are live-stream rooms, where chat can arrive far faster than it can be read. */
const LIVE_ROOM_PLATFORMS = ['bilibili'] as const;

/** Whether a target (`platform:…`) is a live-stream room, which gets the short live queue. */
export function isLiveRoomTarget(target: PlaybackTargetId): boolean {
  const platform = target.slice(0, target.indexOf(':'));
  return (LIVE_ROOM_PLATFORMS as readonly string[]).includes(platform);
}
