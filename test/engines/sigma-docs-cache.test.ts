import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedSigmaDocs } from '../../src/engines/sigma/docs-cache.js';

const dir = mkdtempSync(path.join(tmpdir(), 'detc-sigma-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the Sigma engine's documents, cached by file content", () => {
  const file = { path: 'r.yml', content: 'title: a\nid: x\n---\ntitle: b\nid: y\n' };

  it('parses a file once and reads its documents back from the cache, under the file name asked for', () => {
    const first = cachedSigmaDocs([file], dir);
    expect(first.map((d) => d.doc.id)).toEqual(['x', 'y']);
    expect(readdirSync(path.join(dir, 'sigma-docs'))).toHaveLength(1);
    expect(cachedSigmaDocs([{ ...file, path: 'other.yml' }], dir)).toEqual(first.map((d) => ({ ...d, file: 'other.yml' })));
    // Another text is another entry: an edited file is parsed again.
    expect(cachedSigmaDocs([{ ...file, content: 'title: c\nid: z\n' }], dir).map((d) => d.doc.id)).toEqual(['z']);
  });

  it('stores no file that does not parse, and works without a cache', () => {
    const bad = { path: 'bad.yml', content: 'title: [unclosed\n' };
    expect(() => cachedSigmaDocs([bad], dir)).toThrow(/bad.yml/);
    expect(() => cachedSigmaDocs([bad], dir)).toThrow(/bad.yml/);
    expect(cachedSigmaDocs([file], undefined).map((d) => d.doc.title)).toEqual(['a', 'b']);
  });
});
