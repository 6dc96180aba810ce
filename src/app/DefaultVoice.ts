import type { VoiceForSynthesis } from '../synthesis/SynthesisEngine.ts';

/**
 * The voice everyone has before registering their own: the engine's stock voice, no features.
 * It is not stored in the registry, so it can never be deleted or renamed.
 */
export const DEFAULT_VOICE_ID = 'default';
export const DEFAULT_VOICE: VoiceForSynthesis = { id: DEFAULT_VOICE_ID, language: 'zh', features: {} };
