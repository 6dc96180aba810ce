/** A deterministic speech-like test clip: voiced bursts (harmonics with a moving pitch) separated by pauses. */
export function speechLikeClip(seconds: number, sampleRate: number, pattern: { readonly talk: number; readonly pause: number } = { talk: 0.9, pause: 0.3 }): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  let phase = 0;
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    const cycle = t % (pattern.talk + pattern.pause);
    if (cycle >= pattern.talk || t < 0.2) continue;
    const f0 = 140 + 30 * Math.sin(2 * Math.PI * 1.3 * t);
    phase += (2 * Math.PI * f0) / sampleRate;
    const envelope = Math.sin((Math.PI * cycle) / pattern.talk);
    samples[i] = 0.3 * envelope * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase));
  }
  return samples;
}
