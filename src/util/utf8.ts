/** Whether `bytes` are UTF-8 (with `stream`, a sequence cut short at the end still counts as the start of one). */
export function isUtf8(bytes: Uint8Array, stream = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/** The index of the first byte of `bytes` that starts no valid UTF-8 sequence, or -1 when all of them are UTF-8. */
export function firstNonUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  // The shortest prefix that cannot begin valid text ends inside the bad sequence; that sequence starts right after
  // the longest complete valid prefix before it.
  let i = 1;
  while (i <= bytes.length && isUtf8(bytes.subarray(0, i), true)) i++;
  let bad = Math.min(i, bytes.length) - 1;
  while (bad > 0 && !isUtf8(bytes.subarray(0, bad))) bad--;
  return bad;
}
