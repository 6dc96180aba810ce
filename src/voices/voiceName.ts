import { VoiceNameError } from './VoiceNameError.ts';

export const VOICE_NAME_MAX_LENGTH = 32;

// Control characters, plus the invisible/direction-changing ones that let a name impersonate another
// or scramble the chat line it is shown in. ZWJ (U+200D) stays allowed: emoji sequences need it.
const FORBIDDEN = /[\p{Cc}\u200B\u200C\u200E\u200F\u202A-\u202E\u2028\u2029\u2060-\u2064\u2066-\u2069\uFEFF]/u;

/**
 * Returns the canonical form of a voice name (trimmed, NFC) or throws VoiceNameError.
 * Length is counted in characters (code points), so 32 Chinese characters are allowed.
 */
export function normalizeVoiceName(input: string): string {
  const name = input.normalize('NFC').trim();
  if (name.length === 0) throw new VoiceNameError('A voice needs a name (1 to 32 characters).');
  const length = [...name].length;
  if (length > VOICE_NAME_MAX_LENGTH) {
    throw new VoiceNameError(`"${[...name].slice(0, 12).join('')}…" is ${length} characters long; a voice name can have at most ${VOICE_NAME_MAX_LENGTH}.`);
  }
  if (FORBIDDEN.test(name)) {
    throw new VoiceNameError('A voice name cannot contain control characters, line breaks or invisible direction marks.');
  }
  return name;
}
