import type { Target } from '../../src/targets/target.js';

/**
 * A target like `like` (its limits, mapping and runner) named `name`, whose backend records `name.compile` in
 * `events` and prints `files` (or throws `name compile`), with only the `verify` and `prepare` given (none else).
 */
export function stubTarget(
  like: Target,
  events: string[],
  name: string,
  parts: { verify?: Target['verify']; prepare?: Target['prepare']; files?: { path: string; content: string }[]; compileFails?: boolean } = {},
): Target {
  return {
    ...like,
    name,
    backend: {
      name,
      compile: () => {
        events.push(`${name}.compile`);
        if (parts.compileFails) throw new Error(`${name} compile`);
        return { files: parts.files ?? [], notes: [] };
      },
    },
    prepare: parts.prepare,
    verify: parts.verify,
  };
}
