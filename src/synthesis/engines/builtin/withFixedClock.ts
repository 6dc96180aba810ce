/** Any fixed instant will do; this one is 2001-09-09. */
const FIXED_CLOCK_MS = 1e12;

/**
 * Runs `create` with `Date.now` frozen. espeak-ng (wasm) seeds the noise generator of its breathy stock
 * variants (f2, f3, f5 …) from the clock when an instance is constructed, so two processes rendering the
 * same text with the same voice produced different samples — and, through the state an instance carries
 * from render to render, fitted profiles and benchmark figures that changed from run to run. A fixed seed
 * makes every instance produce the same sound for the same sequence of requests. Synchronous on purpose:
 * nothing else can observe the frozen clock.
 */
export function withFixedClock<T>(create: () => T): T {
  const now = Date.now;
  Date.now = () => FIXED_CLOCK_MS;
  try {
    return create();
  } finally {
    Date.now = now;
  }
}
