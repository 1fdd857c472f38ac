import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { confText } from '../../src/backends/splunk/escape.js';
import { splunkBackend } from '../../src/backends/splunk/index.js';
import { mappings } from '../helpers/dist.js';
import { parseConf } from '../helpers/conf.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

// Issue 13, item 2: a conf line ending in a backslash continues on the next line, so a description ending in `\`
// swallowed the `search = ...` setting after it.

const ROOT = path.resolve(__dirname, '../..');
const KEYS = ['description', 'search', 'cron_schedule', 'action.notable.param.rule_title', 'action.notable.param.rule_description', 'action.risk.param._risk_message'];

function build(over: Record<string, unknown>) {
  const rule = ruleFromDoc({ ...baseRuleDoc(), ...over });
  const out = splunkBackend.compile([rule], { templateDir: path.join(ROOT, 'templates/splunk'), mapping: mappings.splunk });
  const file = (p: string) => out.files.find((f) => f.path.endsWith(p))!.content;
  return { rule, file };
}

describe('savedsearches.conf and macros.conf keep every setting whatever the free text ends with', () => {
  it.each([
    ['a trailing backslash', 'C:\\Temp\\', 'C:\\Temp'],
    ['trailing backslashes and spaces', 'path \\\\ \\ ', 'path'],
    ['a backslash before a newline', 'one\\\ntwo', 'one\\ two'],
    ['a carriage return', 'one\rtwo', 'one two'],
    ['a line separator and NEL', 'one\u2028two\u0085three', 'one two three'],
  ])('description and alert texts with %s', (_, text, shown) => {
    const { rule, file } = build({ description: text, alert: { title: 'Title \\', description: text } });
    const stanzas = parseConf(file('savedsearches.conf'));
    const s = stanzas.find((x) => x.name === 'detc - Test rule - Rule')!;
    for (const k of KEYS) expect(s.settings.has(k), k).toBe(true);
    expect(s.settings.get('description')).toBe(shown);
    expect(s.settings.get('action.notable.param.rule_title')).toBe('Title');
    expect(s.settings.get('action.notable.param.rule_description')).toBe(shown);
    // The search setting is the .spl text, line for line (its own continuations are the SPL's newlines).
    expect(s.settings.get('search')!.replace(/ \n/g, '\n')).toBe(file(`splunk/${rule.slug}.spl`).trimEnd());
    expect(s.settings.get('cron_schedule')).toBe('0 * * * *');
  });
  it('a name ending in a backslash keeps the macro stanza and its definition', () => {
    const { file } = build({ name: 'Ends in \\' });
    const macros = parseConf(file('macros.conf'));
    expect(macros.map((m) => m.name)).toEqual(['detc_summariesonly', 'test_rule_filter']);
    expect(macros[0]!.settings.get('definition')).toBe('summariesonly=false allow_old_summaries=true fillnull_value=null');
    expect(macros[1]!.settings.get('definition')).toBe('search *');
    expect(macros[1]!.settings.get('iseval')).toBe('0');
    const saved = parseConf(file('savedsearches.conf'));
    expect(saved.map((x) => x.name)).toEqual(['default', 'detc - Ends in \\ - Rule']);
  });
  it('app.conf: a label or author from detc.config ending in a backslash keeps the settings after it', () => {
    const rule = ruleFromDoc(baseRuleDoc());
    const out = splunkBackend.compile([rule], { templateDir: path.join(ROOT, 'templates/splunk'), mapping: mappings.splunk, settings: { app: { label: 'My label \\', author: 'me\\' } } });
    const app = parseConf(out.files.find((f) => f.path.endsWith('app.conf'))!.content);
    expect(Object.fromEntries(app.map((s) => [s.name, Object.fromEntries(s.settings)]))).toMatchObject({
      ui: { is_visible: '0', label: 'My label' },
      launcher: { author: 'me', version: '0.1.0' },
      package: { id: 'detc_detections' },
    });
  });
  it('confText is one line, never ends in a backslash, and keeps inner backslashes and tabs', () => {
    expect(confText('a\\b\tc \\')).toBe('a\\b\tc');
    expect(confText('x\n\n  y\r\n')).toBe('x y');
  });
});
