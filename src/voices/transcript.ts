import { VoiceInputError } from './VoiceInputError.ts';

export const TRANSCRIPT_MAX_LENGTH = 500;

/** Returns the trimmed transcript of a reference clip, or throws VoiceInputError if it is empty or too long. */
export function normalizeTranscript(input: string): string {
  const transcript = input.normalize('NFC').trim();
  if (transcript.length === 0) {
    throw new VoiceInputError('voice-transcript-invalid', 'Add the transcript: type exactly what is said in the clip.');
  }
  const length = [...transcript].length;
  if (length > TRANSCRIPT_MAX_LENGTH) {
    throw new VoiceInputError(
      'voice-transcript-invalid',
      `The transcript has ${length} characters; at most ${TRANSCRIPT_MAX_LENGTH} are allowed. Use a shorter clip and its transcript.`,
    );
  }
  return transcript;
}
