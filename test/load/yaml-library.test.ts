import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as nodeBuild from 'yaml';
import { LineCounter, parse, parseAllDocuments, parseDocument } from '../../src/load/yaml-library.js';
import { YamlSource } from '../../src/load/yaml-source.js';

const RULES = path.join(__dirname, '../../rules');

afterEach(() => {
  delete process.env.LOG_TOKENS;
  vi.restoreAllMocks();
});

describe('the yaml library detc parses with', () => {
  it('is the build without the per-token process.env read (the Node build logs every token under LOG_TOKENS)', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.LOG_TOKENS = '1';
    nodeBuild.parse('a: 1\n');
    expect(log).toHaveBeenCalled();
    log.mockClear();
    parse('a: 1\n');
    parseDocument('a: 1\n', { lineCounter: new LineCounter() });
    parseAllDocuments('a: 1\n---\nb: 2\n');
    expect(log).not.toHaveBeenCalled();
  });

  it('reads a rule as the Node build does: the same value, errors and positions; its nodes are the Node build\'s kinds', () => {
    const text = readFileSync(path.join(RULES, 'network', 'distributed-port-probe.yml'), 'utf8');
    const ours = new LineCounter();
    const theirs = new nodeBuild.LineCounter();
    const a = parseDocument(text, { lineCounter: ours, prettyErrors: false });
    const b = nodeBuild.parseDocument(text, { lineCounter: theirs, prettyErrors: false });
    expect(a.toJS()).toEqual(b.toJS());
    expect(ours.lineStarts).toEqual(theirs.lineStarts);
    expect(nodeBuild.isMap(a.contents)).toBe(true);
    const bad = 'a: 1\na: 2\nb: [\n';
    expect(parseDocument(bad, { prettyErrors: false }).errors.map((e) => [e.code, e.pos])).toEqual(nodeBuild.parseDocument(bad, { prettyErrors: false }).errors.map((e) => [e.code, e.pos]));
  });

  it('gives YamlSource its positions (line:col of a path)', () => {
    const src = new YamlSource('r.yml', 'name: x\nquery:\n  where:\n    - eq: 1\n');
    expect(src.locate(['query', 'where', 0, 'eq'])).toEqual({ line: 4, col: 11 });
  });
});
