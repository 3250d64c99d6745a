/** One page of a list. */
export interface Page<T> {
  readonly data: T[];
  readonly hasMore: boolean;
  /** Pass as `startingAfter` for the next page. */
  readonly nextCursor: string | null;
}

export interface ListParams {
  readonly limit?: number;
  readonly startingAfter?: string;
  readonly endingBefore?: string;
}

/**
 * A list call: `await` it for the first page, or `for await` it for every item of every
 * page, fetched one page at a time as the loop needs them.
 */
export class PageList<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (startingAfter: string | undefined) => Promise<Page<T>>,
    private readonly startingAfter: string | undefined,
  ) {}

  // biome-ignore lint/suspicious/noThenProperty: a list is awaitable for its first page by design.
  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.fetchPage(this.startingAfter).then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let cursor = this.startingAfter;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield* page.data;
      if (!page.hasMore || !page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** Every item, as one array (for small lists). */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
