/**
 * Gathers small writes that nothing waits for and hands them over in batches: at most one batch per
 * `delayMs`, or sooner once `maxItems` are waiting. Only for writes whose loss a repair covers (a
 * crash loses the batch in memory): the response count settles, which the count repair redoes.
 * `flush()` writes what is waiting now (tests, a contact deletion, shutdown).
 */
export class WriteBehind<T> {
  private waiting: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: { delayMs: number; maxItems: number; onError: (err: unknown) => void },
  ) {}

  add(item: T): void {
    this.waiting.push(item);
    if (this.waiting.length >= this.options.maxItems) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.delayMs);
      this.timer.unref();
    }
  }

  /** Writes everything waiting; resolves once it (and any batch before it) is written or has failed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.waiting;
    this.waiting = [];
    const previous = this.inFlight;
    this.inFlight = (async () => {
      await previous;
      if (items.length === 0) return;
      try {
        await this.write(items);
      } catch (err) {
        this.options.onError(err);
      }
    })();
    return this.inFlight;
  }
}
