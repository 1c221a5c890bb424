/**
 * Whether `promise` settled within `limitMilliseconds` (its rejection is passed on), the timer cleared either
 * way: the bounded waits of shutdown paths, which must not hang on a peer that never answers.
 */
export async function settledWithin(promise: Promise<unknown>, limitMilliseconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), limitMilliseconds);
  });
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
