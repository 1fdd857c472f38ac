import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pcreLiteral, splString } from '../../src/backends/splunk/escape.js';
import { ExprParser } from '../../src/engines/spl/eval-expr.js';
import { expandMacros } from '../../src/engines/spl/pipeline.js';
import { pcreToRegExp } from '../../src/engines/spl/values.js';
import { projectRows } from '../../src/events/model.js';
import { ENGINES, buildDist, cleanDists, engineOpts } from '../helpers/dist.js';
import { NOW, proc } from '../helpers/events.js';
import { ruleWithWhere } from '../helpers/rules.js';

// Issue 13, item 3: a backtick in a value reached the emitted SPL raw, and the SPL interpreter expanded
// `macro` calls even inside quoted strings, where Splunk does not (docs/semantics.md).

afterAll(cleanDists);
const macros = new Map([['m', 'search *'], ['n', '`m` | where x="`m`"']]);

describe('the SPL interpreter expands macros as Splunk does', () => {
  it('not inside a double-quoted string, with backslash escapes read as the string parser reads them', () => {
    expect(expandMacros('| eval a="x`m`y" | `m`', macros)).toBe('| eval a="x`m`y" | search *');
    expect(expandMacros('| eval a="q\\"`m`\\\\" | `m`', macros)).toBe('| eval a="q\\"`m`\\\\" | search *');
    expect(expandMacros('| eval a="\\\\" . `m`', macros)).toBe('| eval a="\\\\" . search *');
  });
  it('nested calls expand, and the quoted text inside a definition stays', () => {
    expect(expandMacros('`n`', macros)).toBe('search * | where x="`m`"');
    expect(() => expandMacros('`nope`', macros)).toThrow(/unknown macro `nope`/);
  });
});

describe('the Splunk backend writes no backtick of a value into the search', () => {
  const tricky = ['x`test_rule_filter`y', '`', 'a``b', '\\`m`\\'];
  it('in string literals (spliced with urldecode) and regular expressions (\\x{60}), read back intact', () => {
    for (const s of tricky) {
      expect(splString(s)).not.toContain('`');
      expect(ExprParser.parse(splString(s))({})).toBe(s);
      expect(pcreLiteral(s)).not.toContain('`');
      expect(pcreToRegExp(`^${pcreLiteral(s)}$`).test(s)).toBe(true);
    }
  });
  it('end to end: a rule on a value holding its own filter macro call; every engine agrees with the reference', async () => {
    const value = 'x`test_rule_filter`y';
    const rule = ruleWithWhere({ any: [{ field: 'command_line', eq: value }, { field: 'user', contains: value }, { field: 'host', startswith: value }] });
    const dist = buildDist([rule]);
    const spl = readFileSync(path.join(dist, 'splunk/test-rule.spl'), 'utf8');
    expect(spl.match(/`[^`]*`/g)).toEqual(['`test_rule_filter`']);
    const events = [
      { ...proc('nmap.exe', value), host: 'h1' },
      { ...proc('nmap.exe', 'x search *y'), host: 'h2' },
      { ...proc('nmap.exe', 'other'), host: 'h3', user: `pre${value}post` },
      { ...proc('nmap.exe', 'other'), host: `${value}!` },
      { ...proc('nmap.exe', 'other'), host: 'h5' },
    ];
    const results = [];
    for (const e of ENGINES) results.push(await e.run(rule, events, engineOpts(dist, NOW)));
    const ref = results[0]!;
    expect(ref.rows.map((r) => r.DeviceName)).toEqual(['h1', 'h3', `${value}!`]);
    for (const r of results.slice(1)) expect(projectRows(r.rows, r.keys), `${r.engine}\n${r.query}`).toEqual(projectRows(ref.rows, r.keys));
  });
});
