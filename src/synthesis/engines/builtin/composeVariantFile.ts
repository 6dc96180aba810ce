import type { BuiltinVoiceProfile } from './BuiltinVoiceProfile.ts';

const FORMANT_COUNT = 9;

/**
 * Text of an espeak-ng voice-variant file for a profile. espeak variants cannot include one another, so the
 * base variant's own lines are copied (its `name`, `pitch` and `speed` replaced by the profile's) and its
 * formant frequencies scaled. `baseText` is the stock variant file, or null for the language's own voice.
 */
export function composeVariantFile(name: string, profile: BuiltinVoiceProfile, baseText: string | null): string {
  const kept: string[] = [];
  let sawFormants = false;
  for (const rawLine of (baseText ?? '').split('\n')) {
    const line = rawLine.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    const [keyword, ...values] = line.split(/\s+/);
    if (keyword === 'name' || keyword === 'pitch' || keyword === 'speed' || keyword === 'language') continue;
    if (keyword === 'formant' && values.length >= 2) {
      sawFormants = true;
      const [index, frequency, ...rest] = values;
      const scaled = Math.round(Number(frequency) * profile.formantScale);
      kept.push(['formant', index, String(scaled), ...rest].join(' '));
      continue;
    }
    kept.push(line);
  }
  if (!sawFormants && profile.formantScale !== 1) {
    const percent = Math.round(100 * profile.formantScale);
    for (let index = 0; index < FORMANT_COUNT; index += 1) kept.push(`formant ${index} ${percent} 100 100`);
  }
  const lines = ['language variant', `name ${name}`, ...kept, `pitch ${Math.round(profile.pitchBase)} ${Math.round(profile.pitchTop)}`];
  if (profile.speed !== 1) lines.push(`speed ${Math.round(100 * profile.speed)}`);
  return `${lines.join('\n')}\n`;
}
