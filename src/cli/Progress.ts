/**
 * A one-line spinner with elapsed seconds for long work, on a terminal only (pipes and CI get nothing,
 * so their output stays clean).
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #label: string;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;

  constructor(stream: NodeJS.WriteStream, label: string) {
    this.#stream = stream;
    this.#label = label;
  }

  start(): void {
    if (this.#stream.isTTY !== true || this.#timer !== undefined) return;
    this.#startedAt = Date.now();
    const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
    let index = 0;
    this.#timer = setInterval(() => {
      const seconds = ((Date.now() - this.#startedAt) / 1000).toFixed(1);
      this.#stream.write(`\r${frames[index++ % frames.length]} ${this.#label} … ${seconds} s`);
    }, 100);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stream.write('\r\x1b[2K');
  }
}
