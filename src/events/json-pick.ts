// Reads a few top-level keys of JSON lines without JSON.parse building every field of every line (a rule reads 5-10
// of an export's fields). Exports write their keys in one order: the order of a line JSON.parse read becomes one
// regular expression, the JSON grammar of a flat object with exactly those keys in that order, capturing the values
// of the wanted keys. A line it matches is valid JSON by construction, and the values it captures are what JSON.parse
// makes of them; any other line (keys in another order, a key or value with an escape, a nested value, invalid
// JSON) is read by JSON.parse as before, so errors and their messages are JSON.parse's own. Measured on the
// benchmark's lines (6 of 10 keys): 195 ms against 250 ms for JSON.parse and the same projection.
import type { Row } from './model.js';

/** The reader of one input's lines: `read` a line, or undefined (use JSON.parse, then `learn` from its object). */
export interface JsonPicker {
  read(line: string): Row | undefined;
  learn(parsed: Row): void;
}

// JSON's grammar for what the expression accepts: its four blanks, strings without escapes or control characters,
// numbers, and the three literals. Nothing else (escapes, nested values) is taken on.
const BLANK = '[ \\t\\n\\r]*';
const STRING = '"[^"\\\\\\x00-\\x1f]*"';
const NUMBER = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
const VALUE = `${STRING}|${NUMBER}|true|false|null`;
/** A key written without escapes: its text in the line is the key itself. */
const PLAIN_KEY = /^[^"\\\x00-\x1f]*$/;
/** A key JavaScript orders first in an object (an array index): Object.keys would not give the line's order. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

/** Lines read by JSON.parse after which another key order is learned, if they outnumber the lines matched. */
const RELEARN_AFTER = 64;

/**
 * A picker of `keys`, or undefined when one is `__proto__` (JSON.parse makes it an own property; assigning it
 * would set the prototype instead).
 */
export function jsonPicker(keys: readonly string[]): JsonPicker | undefined {
  const wanted = new Set(keys);
  if (wanted.has('__proto__')) return undefined;
  let pattern: RegExp | undefined;
  let captured: string[] = [];
  let hits = 0;
  let misses = 0;
  return {
    read(line) {
      const m = pattern?.exec(line);
      if (!m) {
        misses++;
        return undefined;
      }
      hits++;
      const out: Row = {};
      for (let i = 0; i < captured.length; i++) out[captured[i]!] = jsonValue(m[i + 1]!);
      return out;
    },
    learn(parsed) {
      if (pattern && (misses < RELEARN_AFTER || misses <= hits)) return;
      const order = Object.keys(parsed);
      if (!order.every((k) => PLAIN_KEY.test(k) && !INDEX_KEY.test(k))) return;
      captured = order.filter((k) => wanted.has(k));
      const members = order.map((k) => `"${escapeRegExp(k)}"${BLANK}:${BLANK}(${wanted.has(k) ? '' : '?:'}${VALUE})`);
      pattern = new RegExp(`^${BLANK}\\{${BLANK}${members.join(`${BLANK},${BLANK}`)}${BLANK}\\}${BLANK}$`);
      hits = 0;
      misses = 0;
    },
  };
}

/** A value matched by VALUE, as JSON.parse makes it: a number's text in JSON's grammar reads the same with Number. */
function jsonValue(text: string): unknown {
  switch (text.charCodeAt(0)) {
    case 34: // "
      return text.slice(1, -1);
    case 116: // t
      return true;
    case 102: // f
      return false;
    case 110: // n
      return null;
    default:
      return Number(text);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
