import type { BilibiliViewer, FanMedal, GuardLevel } from './BilibiliEvent.ts';
import { numberAt, stringAt, type JsonObject } from './jsonFields.ts';

export function toGuardLevel(value: number): GuardLevel {
  return value === 1 || value === 2 || value === 3 ? value : 0;
}

/** Anonymous web connections get uid 0 and names like `提***`. */
export function isMaskedName(name: string): boolean {
  return name.includes('***');
}

/** A web-route viewer (identified by uid). */
export function webViewer(fields: {
  uid: number | bigint | string;
  name: string;
  faceUrl?: string;
  guardLevel?: number;
  medal?: FanMedal | undefined;
  isAdmin?: boolean;
  userLevel?: number;
}): BilibiliViewer {
  const uidText = String(fields.uid);
  const uid = Number(uidText);
  const masked = uidText === '0' || uidText === '' || isMaskedName(fields.name);
  return {
    id: uidText === '0' || uidText === '' ? undefined : uidText,
    name: fields.name,
    masked,
    ...(Number.isFinite(uid) ? { uid } : {}),
    ...(fields.faceUrl ? { faceUrl: fields.faceUrl } : {}),
    guardLevel: toGuardLevel(fields.guardLevel ?? 0),
    ...(fields.medal ? { medal: fields.medal } : {}),
    ...(fields.isAdmin === undefined ? {} : { isAdmin: fields.isAdmin }),
    ...(fields.userLevel === undefined ? {} : { userLevel: fields.userLevel }),
  };
}

/** A `medal_info` object as SEND_GIFT / SUPER_CHAT_MESSAGE carry it; undefined when the viewer wears none. */
export function medalFromInfo(info: JsonObject): FanMedal | undefined {
  const name = stringAt(info, 'medal_name');
  if (name === '') return undefined;
  const roomId = numberAt(info, 'anchor_roomid');
  const anchorUid = numberAt(info, 'target_id');
  return { name, level: numberAt(info, 'medal_level'), ...(roomId ? { roomId } : {}), ...(anchorUid ? { anchorUid } : {}) };
}
