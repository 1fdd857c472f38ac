/**
 * Lets this worker's event loop run once, the test runner's messages among them. Work that only awaits promises
 * never gets there, and vitest fails a run whose worker has not answered for a minute ("Timeout calling
 * onTaskUpdate"): a property test of a hundred runs through five engines reached that on a busy 2-core machine.
 * Long loops call this once per step.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
