// Where events come from: the files `--events` names (files, folders, globs, `.gz` files, standard input), each
// opened anew for every read of the events, as bytes.
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { EventFormatError } from './lines.js';

/** One input of events: its name in errors, its size in bytes on disk (unknown for a pipe) and a new read of it. */
export interface EventInput {
  name: string;
  size?: number;
  /** Whether `open` reads the file's own bytes (no decompression): a reader may split it into byte ranges. */
  plain: boolean;
  /** The path of a plain file on disk. */
  path?: string;
  open(): AsyncIterable<Buffer | string>;
}

/** A megabyte per read: fewer, larger batches downstream. */
const CHUNK = 1 << 20;

/**
 * The inputs `--events` names, in order: a file; a folder (its files, sorted by name, not its subfolders); a glob
 * (`*`, `?` and `**`, matches sorted); `-` for standard input. Names are shown relative to `cwd` as given.
 */
export function eventInputs(specs: string[], cwd: string, stdin: () => NodeJS.ReadableStream): EventInput[] {
  const out: EventInput[] = [];
  for (const spec of specs) {
    if (spec === '-') {
      out.push(stdinInput(stdin));
      continue;
    }
    const abs = path.resolve(cwd, spec);
    if (existsSync(abs) && statSync(abs).isDirectory()) {
      const files = readdirSync(abs, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name).sort();
      if (!files.length) throw new EventFormatError(spec, 1, 'the folder has no files of events');
      for (const f of files) out.push(fileInput(path.join(abs, f), joinName(spec, f)));
    } else if (/[*?]/.test(spec) && !existsSync(abs)) {
      const files = globFiles(spec, cwd);
      if (!files.length) throw new EventFormatError(spec, 1, 'no file matches this pattern');
      for (const f of files) out.push(fileInput(path.resolve(cwd, f), f));
    } else out.push(fileInput(abs, spec)); // a missing file is the file system's error, naming it
  }
  return out;
}

function joinName(dir: string, file: string): string {
  return dir.endsWith('/') ? `${dir}${file}` : `${dir}/${file}`;
}

function fileInput(abs: string, name: string): EventInput {
  const gz = abs.endsWith('.gz');
  return {
    name,
    // A compressed file's size on disk does not measure the bytes read from it.
    ...(gz ? {} : { size: statSync(abs).size }),
    plain: !gz,
    ...(gz ? {} : { path: abs }),
    open: () => (gz ? createReadStream(abs, { highWaterMark: CHUNK }).pipe(createGunzip({ chunkSize: CHUNK })) : createReadStream(abs, { highWaterMark: CHUNK })),
  };
}

/**
 * Standard input can be read once: its bytes are kept in a temporary file on the first read (streamed through, not
 * held in memory), which later reads (a join, the ASIM variant) read again.
 */
function stdinInput(stdin: () => NodeJS.ReadableStream): EventInput {
  let spool: string | undefined;
  let done = false;
  return {
    name: '<stdin>',
    plain: false,
    open() {
      if (spool !== undefined) {
        if (!done) throw new Error('<stdin>: a second read started before the first one finished');
        return createReadStream(spool, { highWaterMark: CHUNK });
      }
      const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-stdin-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      spool = path.join(dir, 'events');
      const file = spool;
      return (async function* () {
        const out = createWriteStream(file);
        for await (const chunk of stdin() as AsyncIterable<Buffer | string>) {
          if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
          yield chunk;
        }
        await new Promise<void>((r) => out.end(() => r()));
        done = true;
      })();
    },
  };
}

/** Files matching a glob relative to `cwd` (`**` any folders deep, `*` and `?` within a name), sorted. */
export function globFiles(pattern: string, cwd: string): string[] {
  const parts = pattern.split('/');
  // The folder before the first wildcard is where the walk starts.
  const fixed = parts.findIndex((p) => /[*?]/.test(p));
  const base = parts.slice(0, fixed).join('/');
  const re = globRegExp(parts.slice(fixed));
  const found: string[] = [];
  const walk = (rel: string) => {
    const dir = path.resolve(cwd, base, rel);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else if (d.isFile() && re.test(r)) found.push(base ? `${base}/${r}` : r);
    }
  };
  walk('');
  return found.sort();
}

/** The path below the walk's start that the glob's parts match: `**` is any number of folders (or, last, files). */
function globRegExp(parts: string[]): RegExp {
  let re = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') re += last ? '.+' : '(?:[^/]+/)*';
    else re += part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`);
}
