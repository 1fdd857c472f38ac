import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KqlInterpreter } from '../../src/engines/kql/interpret.js';
import { parseToData, queryTree, revive, type SyntaxNode } from '../../src/engines/kql/syntax-tree.js';
import { loadKusto } from '../../src/kql-check/kusto.js';
import { loadedBy } from '../helpers/loaded-by.js';
import { nextTurn } from '../helpers/next-turn.js';

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-kql-tree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the KQL engine reads Kusto.Language syntax trees as plain data (cached by query text)', () => {
  it('the revived tree shows every emitted query as Kusto.Language does: kinds, texts, names, tokens, named children', async () => {
    const K = loadKusto();
    const folder = path.join(ROOT, 'dist-rules/sentinel');
    let nodes = 0;
    const differences: string[] = [];
    for (const f of readdirSync(folder).filter((x) => x.endsWith('.kql'))) {
      const q = readFileSync(path.join(folder, f), 'utf8');
      const o = K.ParseOptions.Default.WithAlwaysProduceEndTokens(true);
      const kusto = K.Parsing.QueryParser.ParseQuery(K.Parsing.TokenParser.ParseTokens(q, o), 0, o);
      // Through JSON, as the cache keeps it.
      const plain = revive(JSON.parse(JSON.stringify(parseToData(q))));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const same = (k: any, p: SyntaxNode, at: string) => {
        nodes++;
        const want = [String(k.constructor.$$name).replace('Kusto.Language.Syntax.', ''), String(k.ToString()), Boolean(k.IsToken), k.IsToken ? String(k.Text) : undefined, !k.IsToken && typeof k.SimpleName === 'string' ? k.SimpleName : undefined, Number(k.ChildCount)];
        const got = [p.$kind, p.ToString(), p.IsToken, p.Text, p.SimpleName, p.ChildCount];
        if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${f} ${at}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
        for (let i = 0; i < k.ChildCount; i++) {
          const name = typeof k.GetName === 'function' ? k.GetName(i) : null;
          if (name && p[name] !== p.GetChild(i)) differences.push(`${f} ${at}: child ${name}`);
          if (k.GetChild(i)) same(k.GetChild(i), p.GetChild(i)!, `${at}/${i}`);
        }
      };
      same(kusto, plain, '');
      // A file at a time: compared in one go, all the files kept the worker silent for a minute on a busy machine.
      await nextTurn();
    }
    expect(differences).toEqual([]);
    expect(nodes).toBeGreaterThan(1000);
  }, 120_000);

  it('an edited query is a new cache entry; a damaged entry is parsed again', async () => {
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const rows = [{ N: 20 }, { N: 21 }];
    const table = () => ({ columns: [{ name: 'N', type: 'long' }], read: () => rows });
    const count = async (q: string) => (await new KqlInterpreter(0, undefined, cacheDir).run(q, () => table())).length;
    expect(await count('T | where N >= 20')).toBe(2);
    expect(await count('T | where N >= 21')).toBe(1);
    const entries = () => readdirSync(path.join(cacheDir, 'kql-syntax')).filter((x) => x.endsWith('.json'));
    expect(entries()).toHaveLength(2);
    // Each entry holds the other query's tree, or a broken one: never used for the wrong text.
    const [a, b] = entries().map((x) => path.join(cacheDir, 'kql-syntax', x));
    const [ta, tb] = [readFileSync(a!, 'utf8'), readFileSync(b!, 'utf8')];
    writeFileSync(a!, tb);
    writeFileSync(b!, ta.replace('"k":"QueryBlock"', '"k":7'));
    expect(await count('T | where N >= 20')).toBe(2);
    expect(await count('T | where N >= 21')).toBe(1);
    expect(queryTree('T | where N >= 21', undefined).$kind).toBe('QueryBlock');
  });

  it('a run of an unchanged query does not load Kusto.Language', async () => {
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const runArgs = ['run', 'rules/network/ip-block-scan.yml', '--events', 'rules/network/ip-block-scan.fixtures/port-scan-20.jsonl', '--now', '2026-11-23T12:00:00Z', '--engine', 'kql'];
    expect(await loadedBy(cacheDir, ...runArgs)).toMatchObject({ code: 0, kusto: true });
    expect(await loadedBy(cacheDir, ...runArgs)).toMatchObject({ code: 0, kusto: false });
  }, 120_000);
});
