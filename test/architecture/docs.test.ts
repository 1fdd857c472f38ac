import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// What a new user needs and could not find (issue 13, item 13): the docs must keep up with the schemas.
const ROOT = path.resolve(__dirname, '../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const json = (p: string) => JSON.parse(read(p)) as Record<string, any>;

function section(doc: string, heading: string): string {
  const start = doc.indexOf(`${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + heading.length);
  const end = rest.search(/\n#{1,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('the docs say what the schemas require', () => {
  it("rule-language.md's 'Required keys' names every required key, and the required keys inside them", () => {
    const schema = json('json-schema/detc-rule.schema.json');
    const text = section(read('docs/rule-language.md'), '### Required keys');
    const required: string[] = [...schema.required, ...schema.oneOf.flatMap((o: { required: string[] }) => o.required), 'severity'];
    for (const key of ['attack', 'schedule', 'triage']) required.push(...schema.properties[key].required);
    required.push(...schema.properties.false_positives.items.required);
    for (const key of required) expect(text, key).toContain(`\`${key}\``);
  });

  it('rule-language.md says how values of canonical fields compare (case, spellings)', () => {
    const text = section(read('docs/rule-language.md'), "### Field values are the device's words");
    for (const word of ['`cased: true`', 'tcp', 'TCP', 'inbound', 'Inbound', '`deny`', '`blocked`']) expect(text, word).toContain(word);
  });

  it('fixtures.md describes every key and event format of the fixture schema, and the event time formats', () => {
    const schema = json('json-schema/detc-fixture.schema.json');
    const doc = read('docs/fixtures.md');
    const item = schema.properties.cases.items;
    const keys = [...Object.keys(schema.properties), ...Object.keys(item.properties).map((k) => `cases[].${k}`), ...Object.keys(item.properties.events.properties).map((k) => `cases[].events.${k}`)];
    for (const k of keys) expect(doc, k).toContain(`| \`${k}\` |`);
    for (const f of item.properties.events.properties.format.enum as string[]) expect(section(doc, '## Event formats'), f).toContain(`| \`${f}\` |`);
    const times = section(doc, '## Event times');
    for (const t of ['ISO 8601', 'zone', 'seconds', 'milliseconds']) expect(times, t).toContain(t);
    expect(read('docs/rule-language.md')).toContain('(fixtures.md)');
    expect(read('README.md')).toContain('(docs/fixtures.md)');
  });

  it('templates and docs point at KQL schema files as they are named (*.csl)', () => {
    const exts = new Set(readdirSync(path.join(ROOT, 'schemas/kql')).map((f) => path.extname(f)));
    expect([...exts]).toEqual(['.csl']);
    const texts = ['templates/sentinel/mapping.yml', 'README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const f of texts) {
      for (const m of read(f).matchAll(/schemas\/kql\/[^\s`'")]*?(\.[a-z]+)\b/g)) expect(exts.has(m[1]!), `${f}: ${m[0]}`).toBe(true);
    }
  });

  it('the README documents the options a new user needs: -q and --verbose of build, --detc-version of init', () => {
    const readme = read('README.md');
    for (const o of ['[-q]', '[--verbose]', '--detc-version']) expect(readme, o).toContain(o);
  });
});
