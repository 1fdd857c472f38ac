import type { Rule } from '../../ir/types.js';
import { facts } from '../../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import type { Artifact, VerifyContext, VerifyResult } from '../types.js';

// Splunk expands `macro` calls before it parses a search and refuses a search that calls an undefined one. Every
// macro a generated search calls (its filter macro, the tstats options of detc_summariesonly) comes from the app's
// macros.conf, rendered from a template a project may override: an override older than a macro would deploy searches
// that fail in Splunk, so the build checks each call against the stanzas of the emitted macros.conf.

/** The macro names a search calls: backtick calls outside double-quoted strings (Splunk expands none inside). */
export function macroCalls(spl: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < spl.length; i++) {
    const c = spl[i]!;
    if (c === '"') {
      for (i++; i < spl.length && spl[i] !== '"'; i++) if (spl[i] === '\\') i++;
    } else if (c === '`') {
      const m = /^`([^`(]+)(?:\([^`]*\))?`/.exec(spl.slice(i));
      if (!m) continue;
      out.push(m[1]!.trim());
      i += m[0].length - 1;
    }
  }
  return out;
}

/** The stanza names of a conf file (`[name]` lines); a macro with arguments is `name(N)`, taken as `name`. */
function stanzas(conf: string): Set<string> {
  return new Set([...conf.matchAll(/^\[([^\]]+)\]\s*$/gm)].map((m) => m[1]!.replace(/\(\d+\)$/, '').trim()));
}

export function verifySplunkMacros(ctx: VerifyContext): VerifyResult {
  const files = ctx.files.filter((f) => f.target === 'splunk' || (f.target === undefined && f.path.startsWith('splunk/')));
  const confs = files.filter((f) => /^splunk\/[^/]+\/default\/macros\.conf$/.test(f.path));
  const defined = new Set(confs.flatMap((f) => [...stanzas(f.content)]));
  const conf = confs[0]?.path ?? 'splunk/<app>/default/macros.conf';
  const diags: Diagnostic[] = [];
  const searches = files.filter((f): f is Artifact & { rule: string } => f.rule !== undefined && f.path.endsWith('.spl'));
  for (const f of searches) {
    for (const macro of new Set(macroCalls(f.content))) {
      if (!defined.has(macro)) diags.push(atRule(ctx.rules.find((r) => r.id === f.rule), facts.splunkUndefinedMacro(f.path, macro, conf)));
    }
  }
  if (diags.length) throw new DiagnosticError(diags);
  return { count: searches.length, what: 'SPL searches', by: 'their macros' };
}

function atRule(rule: Rule | undefined, finding: ReturnType<typeof facts.splunkUndefinedMacro>): Diagnostic {
  const pos = rule?.branches[0]?.pos;
  return diagnosticAt({ file: rule?.file ?? 'dist-rules/splunk', line: pos?.line ?? 1, col: pos?.col ?? 1, path: pos?.path ?? '' }, finding);
}
