import { parseBuiltinVoiceProfile } from '../synthesis/engines/builtin/BuiltinVoiceProfile.ts';
import { describeBuiltinProfile } from '../synthesis/engines/builtin/describeBuiltinProfile.ts';
import type { EnrollmentResult, InspectedClip } from './VoiceEnrollment.ts';

const round1 = (value: number): string => value.toFixed(1);

/**
 * The registration reply in words a streamer understands: what was measured, what to fix next time.
 * Shared by the console, the CLI and the Discord /clone reply.
 */
export function describeEnrollment(result: EnrollmentResult): string {
  const { voice } = result;
  const lines = [`Registered the voice "${voice.name}" (${voice.language === 'zh' ? 'Chinese' : 'English'}).`, ...describeClip(result)];
  // The built-in engine's own measurements and fit, when it analysed the clip.
  const builtin = parseBuiltinVoiceProfile(voice.features['builtin']);
  if (builtin !== null) lines.push(...describeBuiltinProfile(builtin));
  return lines.join('\n');
}

/**
 * What was measured in a clip and what to fix next time: part of the registration reply, and shown with
 * the /clone consent question, so a poor recording can be replaced before anything is stored.
 */
export function describeClip({ report, warnings }: Pick<InspectedClip, 'report' | 'warnings'>): string[] {
  const lines = [
    `Clip: ${round1(report.durationSeconds)} s with ${round1(report.speechSeconds)} s of speech; loudness ${Math.round(report.loudnessLufs)} LUFS; ` +
      `peak ${round1(report.peakDbfs)} dBFS; background noise ${Math.round(report.snrDb)} dB below the voice` +
      (report.clippedFraction > 0 ? `; ${(report.clippedFraction * 100).toFixed(2)}% of samples clipped.` : '; no clipping.'),
  ];
  if (report.output.trimmedStartSeconds + report.output.trimmedEndSeconds > 0.05) {
    lines.push(`Trimmed ${round1(report.output.trimmedStartSeconds + report.output.trimmedEndSeconds)} s of silence and levelled the volume (${report.output.gainDb >= 0 ? '+' : ''}${round1(report.output.gainDb)} dB).`);
  }
  for (const warning of warnings) lines.push(`Note: ${warning.message}`);
  return lines;
}
