// V8 makes a slice of 13 characters or more of a text (`slice`, `split`, a regular expression's capture) a view of
// the whole text it was cut from. The line readers cut values out of lines that are themselves views of a chunk of
// the file (about a megabyte): a group that keeps such a value keeps the chunk, and memory grows with the rows read.

/** Texts shorter than this are copied by V8 when cut: they hold only their own characters already. */
const SLICED_FROM = 13;

/** `s` as a text of its own (a copy when it may be a view of a larger text), for values an engine may keep. */
export function ownText(s: string): string {
  // Concatenation gives a new text; cutting it again copies it flat and views only that copy.
  return s.length < SLICED_FROM ? s : `${s} `.slice(0, -1);
}
