// Queries run together over the same events (a rule's query and its mapping variants) share their passes over the
// events. A query asks for a read and waits; once every query still running waits for one, a round starts: one pass
// per distinct source, each batch pushed to every query that asked for that source. Each query still sees a whole
// read, in the events' order, for each read it asks for, so its rows are those of a run on its own; only the
// decoding is shared. The queries keep their own state (groups, join indexes) and no batch is kept after its push.

/** A source of items: each call starts a new pass, in batches. Reads of the same function share a pass. */
export type BatchSource<I> = () => AsyncIterable<readonly I[]>;

interface Waiter<I> {
  source: BatchSource<I>;
  push: (batch: readonly I[]) => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class ReadRounds<I> {
  /** Queries started by `all` and not yet settled. */
  private live = 0;
  private waiting: Waiter<I>[] = [];

  /** Runs the queries together; each settles as it would alone (its own result or error). */
  all<T>(queries: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    // Counted before any starts: a query asking first must wait for the others to ask or finish.
    this.live += queries.length;
    return Promise.allSettled(queries.map(async (q) => {
      try {
        return await q();
      } finally {
        this.live--;
        this.serveIfAllWait();
      }
    }));
  }

  /** One read of `source`, pushed batch by batch; resolves when the pass ends (rejects with what `push` threw). */
  read(source: BatchSource<I>, push: (batch: readonly I[]) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ source, push, resolve, reject });
      this.serveIfAllWait();
    });
  }

  private serveIfAllWait(): void {
    if (!this.waiting.length || this.waiting.length < this.live) return;
    const round = this.waiting;
    this.waiting = [];
    void this.serve(round);
  }

  private async serve(round: Waiter<I>[]): Promise<void> {
    // One pass per source, in the order the sources were first asked for (deterministic).
    const bySource = new Map<BatchSource<I>, Waiter<I>[]>();
    for (const w of round) bySource.set(w.source, [...(bySource.get(w.source) ?? []), w]);
    for (const [source, waiters] of bySource) {
      // A query whose push fails gets its error and no more batches; the others read on.
      const failed = new Map<Waiter<I>, unknown>();
      try {
        for await (const batch of source()) {
          for (const w of waiters) {
            if (failed.has(w)) continue;
            try {
              w.push(batch);
            } catch (e) {
              failed.set(w, e);
            }
          }
        }
      } catch (e) {
        for (const w of waiters) if (!failed.has(w)) failed.set(w, e);
      }
      for (const w of waiters) {
        if (failed.has(w)) w.reject(failed.get(w));
        else w.resolve();
      }
    }
  }
}
