import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { listCsv } from '../../src/backends/list-csv.js';
import { parseCsv, readCsvRecords } from '../../src/events/csv.js';
import type { SharedList } from '../../src/ir/types.js';
import { formatDiagnostic } from '../../src/load/diagnostics.js';
import { loadSharedLists } from '../../src/load/shared-lists.js';

// Issue 13, item 4: a newline in a list entry's comment was written as a multi-line quoted CSV field, which the
// readers (one record per line) split, so the KQL and SPL engines matched none of the list's values.

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

function listErrors(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-listcsv-'));
  tmp.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  return loadSharedLists(path.join(dir, 'rules'), dir, '2026-11-23').diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('control characters in list entries are refused at load, with file:line:col', () => {
  it('a line break in a YAML entry comment or value, a carriage return in an owner', () => {
    const yml = [
      'type: string',
      'description: hosts',
      'entries:',
      '  - value: scan01',
      '    comment: "two\\nlines"',
      '  - "scan\\u2028two"',
      '  - value: scan03',
      '    owner: "a\\rb"',
      '  - value: scan04',
      '    comment: "a tab\\t, a quote \\" and a comma, are fine"',
      '',
    ].join('\n');
    expect(listErrors({ 'rules/lists/hosts.yml': yml })).toEqual([
      'rules/lists/hosts.yml:4:5: error DETC219: comment: character 4 is U+000A (line feed); list entries are CSV cells that Sentinel watchlists and Splunk lookups read one line at a time: remove it',
      'rules/lists/hosts.yml:6:5: error DETC219: value: character 5 is U+2028 (line separator); list entries are CSV cells that Sentinel watchlists and Splunk lookups read one line at a time: remove it',
      'rules/lists/hosts.yml:7:5: error DETC219: owner: character 2 is U+000D (carriage return); list entries are CSV cells that Sentinel watchlists and Splunk lookups read one line at a time: remove it',
    ]);
  });
  it('a control character in a CSV list cell', () => {
    const csv = '# type: string\n# description: hosts\nvalue,comment\nscan01,"bell \u0007"\nscan02,ok\n';
    expect(listErrors({ 'rules/lists/hosts.csv': csv })).toEqual([
      'rules/lists/hosts.csv:4:1: error DETC219: comment: character 6 is U+0007; list entries are CSV cells that Sentinel watchlists and Splunk lookups read one line at a time: remove it',
    ]);
  });
});

describe('the list CSV writer and the readers (events/csv: watchlists, lookups) agree on every text', () => {
  const list = (entries: { value: string; comment?: string }[]): SharedList => ({ name: 'l', type: 'string', description: 'd', file: 'rules/lists/l.yml', entries: entries.map((e, i) => ({ ...e, line: i + 1 })) });
  it('fields with line breaks, quotes, commas and edge spaces read back as written', () => {
    const csv = listCsv(list([{ value: 'a,b', comment: 'two\nlines' }, { value: ' pad ', comment: 'say "hi"\r\nthere' }, { value: 'plain' }]));
    expect(readCsvRecords(csv)).toEqual([
      { Value: 'a,b', Comment: 'two\nlines' },
      { Value: ' pad ', Comment: 'say "hi"\r\nthere' },
      { Value: 'plain', Comment: '' },
    ]);
  });
  it('on random texts from all of Unicode', () => {
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3 }), fc.constantFrom('\n', '\r', '\r\n', '"', ',', ' ', '""')), { maxLength: 6 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.array(fc.record({ value: text.filter((s) => s !== ''), comment: text }), { minLength: 1, maxLength: 5 }), (entries) => {
        const rows = readCsvRecords(listCsv(list(entries)));
        expect(rows).toEqual(entries.map((e) => ({ Value: e.value, Comment: e.comment })));
      }),
      { numRuns: 200, seed: 13 },
    );
  });
  it('an unterminated quoted field is an error, not a silently shorter table', () => {
    expect(() => parseCsv('Value\n"open\n')).toThrow(/not closed/);
  });
});
