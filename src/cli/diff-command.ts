import { parseArgs } from 'node:util';
import { compileAtRef, filesOfRule } from '../compile/base-ref.js';
import { compileAll } from '../compile/compile.js';
import { loadProject, nativeFormats, runOptions } from '../project.js';
import { unifiedDiff } from '../util/unified-diff.js';
import { referenceEngine } from '../reference/index.js';
import { loadFixtures } from '../verify/load-fixtures.js';
import { readCaseEvents } from '../verify/run-fixtures.js';
import type { ListEntry, Rule } from '../ir/types.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const DIFF_HELP = `Usage: detc diff [--base REF] [--rules DIR]

For a pull request: the rules added, removed and changed since the git ref REF (default: HEAD), and for each
changed rule the parameter changes, a unified diff of every generated query, and what the change does to the
alerts of its fixtures (run in the reference evaluator). Markdown, ready for a PR comment.

Exit codes: 0 done, 1 a rule has an error, 2 usage, 3 internal error.
`;

export async function diffCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { base: { type: 'string' }, rules: { type: 'string' }, templates: { type: 'string' }, schemas: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(DIFF_HELP);
    return EXIT.ok;
  }
  const ref = values.base ?? 'HEAD';
  const project = loadProject(io.cwd, values);
  const head = compileAll(project);
  let base: ReturnType<typeof compileAtRef>;
  try {
    base = compileAtRef(project, ref);
  } catch (e) {
    throw new UsageError(`cannot read the rules at '${ref}': ${String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim()}`);
  }
  const added = head.rules.filter((r) => !base.rules.some((b) => b.id === r.id));
  const removed = base.rules.filter((b) => !head.rules.some((r) => r.id === b.id));
  const lines = [`## detc diff against \`${ref}\``, ''];
  if (added.length) lines.push(`**Added:** ${added.map((r) => `${r.name} (\`${r.file}\`)`).join(', ')}`, '');
  if (removed.length) lines.push(`**Removed:** ${removed.map((r) => `${r.name} (\`${r.file}\`)`).join(', ')}`, '');
  const fixtures = loadFixtures(head.rules, io.cwd).fixtures;
  const opts = runOptions(project);
  const natives = nativeFormats(project);
  // Shared lists (rules/lists/): a watchlist or lookup changes no query, so list them, and treat every rule that
  // reads a changed list as changed (its fixtures may raise other alerts).
  const listsOf = (rules: Rule[]) => new Map(rules.flatMap((r) => r.sharedLists).map((l) => [l.name, l]));
  const [listsNow, listsThen] = [listsOf(head.rules), listsOf(base.rules)];
  const changedLists = new Set<string>();
  const listLines: string[] = [];
  for (const name of [...new Set([...listsNow.keys(), ...listsThen.keys()])].sort()) {
    const key = (e: ListEntry) => [e.value, e.start, e.end].filter(Boolean).join(' ');
    const now = (listsNow.get(name)?.entries ?? []).map(key);
    const then = (listsThen.get(name)?.entries ?? []).map(key);
    const add = now.filter((v) => !then.includes(v));
    const del = then.filter((v) => !now.includes(v));
    if (!add.length && !del.length) continue;
    changedLists.add(name);
    const readers = head.rules.filter((r) => r.sharedLists.some((l) => l.name === name)).map((r) => r.slug);
    listLines.push(`- \`${name}\`: ${[add.length ? `+${add.join(', +')}` : '', del.length ? `-${del.join(', -')}` : ''].filter(Boolean).join('; ')} (read by ${readers.join(', ') || 'no rule'})`);
  }
  if (listLines.length) lines.push('### Shared lists', '', ...listLines, '');
  let changedCount = 0;
  for (const rule of head.rules) {
    const old = base.rules.find((b) => b.id === rule.id);
    if (!old) continue;
    const now = filesOfRule(rule, head.files);
    const then = filesOfRule(old, base.files);
    const changed = [...new Set([...now.keys(), ...then.keys()])].filter((p) => now.get(p) !== then.get(p)).sort();
    const readsChangedList = rule.sharedLists.some((l) => changedLists.has(l.name));
    if (!changed.length && !readsChangedList) continue;
    // What the change does to the fixtures: alerts raised by the old and the new rule on the same events.
    const effects: string[] = [];
    const f = fixtures.find((x) => x.rule === rule);
    for (const c of f?.cases ?? []) {
      const events = await readCaseEvents(c, rule.branches[0]!.source, { engines: [referenceEngine], cwd: io.cwd, opts, natives });
      const before = (await referenceEngine.run(old, events, { ...opts, now: c.now })).rows.length;
      const after = (await referenceEngine.run(rule, events, { ...opts, now: c.now })).rows.length;
      if (before !== after) effects.push(`- ${rule.slug}: fixture '${c.name}' now raises ${after} alert${after === 1 ? '' : 's'}, was ${before}`);
    }
    // A rule that only reads a changed list is worth a section when its fixtures feel it.
    if (!changed.length && !effects.length) continue;
    changedCount++;
    lines.push(`### ${rule.name} (\`${rule.file}\`)`, '');
    lines.push(`version ${old.version === rule.version ? `${rule.version} (unchanged)` : `${old.version} → ${rule.version}`}`, '');
    for (const p of paramChanges(old, rule)) lines.push(`- ${rule.slug}: ${p}`);
    lines.push(...effects);
    lines.push('');
    for (const p of changed.filter((x) => /\.(kql|spl|yml)$/.test(x))) {
      lines.push('<details><summary>' + p + '</summary>', '', '```diff', unifiedDiff(then.get(p) ?? '', now.get(p) ?? '', `a/${p}`, `b/${p}`), '```', '</details>', '');
    }
  }
  if (!added.length && !removed.length && !changedCount && !listLines.length) lines.push('No rule changed.');
  io.out(lines.join('\n').trimEnd());
  return EXIT.ok;
}

/** Parameters and list sizes that differ between two versions of a rule ("threshold 20 → 25"). */
function paramChanges(old: Rule, now: Rule): string[] {
  const out: string[] = [];
  for (const p of now.parameters) {
    const o = old.parameters.find((x) => x.name === p.name);
    if (!o) out.push(`new parameter ${p.name} = ${p.text}`);
    else if (o.text !== p.text) out.push(`${p.name} ${o.text} → ${p.text}`);
  }
  for (const o of old.parameters) if (!now.parameters.some((p) => p.name === o.name)) out.push(`parameter ${o.name} removed (was ${o.text})`);
  for (const l of now.lists) {
    const o = old.lists.find((x) => x.name === l.name);
    if (o && o.values.join('\u0000') !== l.values.join('\u0000')) {
      const add = l.values.filter((v) => !o.values.includes(v));
      const del = o.values.filter((v) => !l.values.includes(v));
      out.push(`list ${l.name}: ${[add.length ? `+${add.join(', +')}` : '', del.length ? `-${del.join(', -')}` : ''].filter(Boolean).join('; ')}`);
    }
  }
  return out;
}
