import { readFileSync } from 'node:fs';
import { conditionFields } from '../ir/analysis.js';
import type { Branch, Rule } from '../ir/types.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { facts } from '../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../load/diagnostics.js';
import { YamlSource } from '../load/yaml-source.js';
import type { BackendMapping, MappedField, SourceMapping } from './types.js';

/** Reads templates/<backend>/mapping.yml. Errors point into the mapping file. */
export function loadMapping(file: string, displayName = file): BackendMapping {
  const src = new YamlSource(displayName, readFileSync(file, 'utf8'));
  const ds: Diagnostic[] = src.syntaxDiagnostics().filter((d) => d.severity === 'error');
  if (ds.length) throw new DiagnosticError(ds);
  const data = src.toJS() as { sources?: Record<string, Record<string, unknown>> } | null;
  const sources: Record<string, SourceMapping> = {};
  if (!data || typeof data.sources !== 'object' || data.sources === null) {
    throw new DiagnosticError([src.diagnostic([], facts.mappingNoSources())]);
  }
  const variants: Record<string, Record<string, SourceMapping>> = {};
  for (const [key, raw] of Object.entries(data.sources)) {
    const [name, variant] = key.split('@') as [string, string | undefined];
    if (!DATA_SOURCES[name]) {
      ds.push(src.diagnostic(['sources'], facts.mappingUnknownSource(name), key));
      continue;
    }
    if (variant !== undefined && !/^[a-z][a-z0-9_]*$/.test(variant)) {
      ds.push(src.diagnostic(['sources'], facts.mappingVariantName(variant, name), key));
      continue;
    }
    const { fields = {}, ...settings } = raw as { fields?: Record<string, unknown> };
    const mapped: Record<string, MappedField> = {};
    for (const [f, v] of Object.entries(fields)) {
      if (!DATA_SOURCES[name]!.fields[f]) {
        ds.push(src.diagnostic(['sources', key, 'fields'], facts.mappingUnknownField(f, name), f));
        continue;
      }
      if (typeof v === 'string') mapped[f] = { name: v, missing: [] };
      else if (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') {
        const o = v as { name: string; missing?: unknown[]; transform?: string; algorithm?: unknown };
        if (o.transform !== undefined && o.transform !== 'basename' && o.transform !== 'hash') {
          ds.push(src.diagnostic(['sources', key, 'fields', f, 'transform'], facts.mappingTransform(o.transform)));
        }
        if (o.transform === 'hash' && (typeof o.algorithm !== 'string' || !/^[A-Za-z0-9]+$/.test(o.algorithm))) {
          ds.push(src.diagnostic(['sources', key, 'fields', f, 'algorithm'], facts.mappingHashAlgorithm()));
        }
        mapped[f] = {
          name: o.name, missing: (o.missing ?? []).map(String), transform: o.transform as MappedField['transform'],
          ...(o.transform === 'hash' && typeof o.algorithm === 'string' ? { algorithm: o.algorithm } : {}),
        };
      } else {
        ds.push(src.diagnostic(['sources', key, 'fields', f], facts.mappingFieldShape()));
      }
    }
    if (variant === undefined) sources[name] = { settings, fields: mapped };
    else (variants[variant] ??= {})[name] = { settings, fields: mapped };
  }
  if (ds.length) throw new DiagnosticError(ds);
  return { file: displayName, sources, ...(Object.keys(variants).length ? { variants } : {}) };
}

/** A variant as a mapping of its own (only the sources it defines). */
export function variantMapping(mapping: BackendMapping, variant: string): BackendMapping {
  return { file: `${mapping.file} (@${variant})`, sources: mapping.variants?.[variant] ?? {} };
}

/** The fields a branch reads, so a backend can say which ones its mapping lacks. */
export function requireMapping(rule: Rule, mapping: BackendMapping, backend: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of rule.branches) {
    const sm = mapping.sources[b.source];
    if (!sm) {
      out.push(diagnosticAt(b.pos, facts.sourceNotMapped(backend, b.source, mapping.file)));
      continue;
    }
    for (const f of fieldsRead(b)) {
      if (!sm.fields[f]) {
        out.push(diagnosticAt(b.pos, facts.fieldNotMapped(backend, f, b.source, mapping.file)));
      }
    }
  }
  return out;
}


/** The canonical fields any branch of `rule` reads (its time fields included). */
export function ruleFieldsRead(rule: Rule): Set<string> {
  return new Set(rule.branches.flatMap(fieldsRead));
}

export function fieldsRead(b: Branch): string[] {
  const s = conditionFields(b.where, new Set<string>([DATA_SOURCES[b.source]!.time]));
  b.suppressions.forEach((x) => s.add(x.field));
  if (b.followedBy) {
    conditionFields(b.followedBy.where, s);
    s.add(b.followedBy.same);
    b.followedBy.aggregates.forEach((a) => a.field && s.add(a.field));
  }
  if (b.aggregation) {
    b.aggregation.by.forEach((k) => s.add(k.field));
    b.aggregation.aggregates.forEach((a) => a.field && s.add(a.field));
  } else {
    b.classifications.forEach((c) => c.cases.forEach((k) => conditionFields(k.when, s)));
  }
  b.output.forEach((o) => o.field && s.add(o.field));
  return [...s].sort();
}
