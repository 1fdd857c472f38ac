// Whether an emitted Sentinel file would deploy: the analytics-rule YAML (what the Azure-Sentinel CI validates) and
// the ARM templates of rules and watchlists (what the service accepts). Templates are the user's to override, so
// these checks read the files as written, not the view the backend rendered them from. One function per check,
// each returning its findings; verify.ts places them on the rule's (or list's) lines.
import { facts, type Finding } from '../../load/diagnostic-facts.js';
import { splitCsv } from '../../events/csv.js';
import {
  COLUMN_NAME, COLUMN_NAME_MAX, ENTITY_IDENTIFIERS, ENTITY_MAPPINGS_MAX, FIELD_MAPPINGS_MAX, MAX_PLACEHOLDERS, TACTICS,
  TRIGGER_THRESHOLD_MAX, VERSION, VERSION_MAX, tacticsOf,
} from './platform.js';
import { SENTINEL_MAX_SECONDS, SENTINEL_MIN_SECONDS } from './schedule.js';

type Obj = Record<string, unknown>;

/** The rule key a finding belongs to, to place it on that line of the rule file. */
export type RuleKey = 'entities' | 'alert.title' | 'alert.description' | 'schedule' | 'version' | 'attack' | 'rule';

export interface Placed {
  key: RuleKey;
  finding: Finding;
}

/** {{Column}} placeholders as the Azure-Sentinel CI counts them: every match, repeats included. */
export function placeholderCount(format: string): number {
  return [...format.matchAll(/\{\{([^{}]*)\}\}/g)].length;
}

export function checkEntityMappings(file: string, props: Obj): Finding[] {
  if (!('entityMappings' in props)) return [];
  const bad = (why: string) => [facts.sentinelEntityMappings(file, why)];
  const ems = props.entityMappings;
  if (!Array.isArray(ems)) return bad('entityMappings is not a list');
  // The service refuses an empty list ("length should be between '1' and '10'"): leave the property out instead.
  if (ems.length < 1 || ems.length > ENTITY_MAPPINGS_MAX) return bad(`${ems.length} entity mappings`);
  const out: Finding[] = [];
  ems.forEach((em: Obj, i) => {
    const at = `entity mapping ${i + 1}`;
    const type = ENTITY_IDENTIFIERS[String(em?.entityType)];
    if (!type) return out.push(...bad(`${at}: unknown entityType ${JSON.stringify(em?.entityType)}`));
    const fms = em.fieldMappings;
    if (!Array.isArray(fms) || fms.length < 1 || fms.length > FIELD_MAPPINGS_MAX) {
      return out.push(...bad(`${at} (${em.entityType}): ${Array.isArray(fms) ? fms.length : 'no'} field mappings`));
    }
    const ids = new Set<string>();
    for (const fm of fms as Obj[]) {
      const id = String(fm?.identifier);
      const col = fm?.columnName;
      if (!type.identifiers.includes(id)) out.push(...bad(`${at}: ${JSON.stringify(fm?.identifier)} is not an identifier of ${em.entityType} (${type.identifiers.join(', ')})`));
      else if (ids.has(id)) out.push(...bad(`${at}: identifier ${id} twice`));
      ids.add(id);
      if (typeof col !== 'string' || !COLUMN_NAME.test(col) || col.length > COLUMN_NAME_MAX) out.push(...bad(`${at}: column name ${JSON.stringify(col)} is not a column name`));
    }
    if (!type.required.some((set) => set.every((id) => ids.has(id)))) {
      out.push(...bad(`${at} (${em.entityType}) maps none of ${type.required.map((s) => s.join('+')).join(', ')}`));
    }
    return undefined;
  });
  return out;
}

export function checkPlaceholders(file: string, props: Obj): Placed[] {
  const o = props.alertDetailsOverride as Obj | undefined;
  if (!o || typeof o !== 'object') return [];
  const out: Placed[] = [];
  for (const [field, key] of [['alertDisplayNameFormat', 'alert.title'], ['alertDescriptionFormat', 'alert.description']] as const) {
    const n = typeof o[field] === 'string' ? placeholderCount(o[field] as string) : 0;
    if (n > MAX_PLACEHOLDERS) out.push({ key, finding: facts.sentinelFilePlaceholders(file, field, n) });
  }
  return out;
}

/**
 * Seconds of a duration as the file's format writes it: ISO 8601 in ARM (PT1H, P1DT2H); in the rule YAML `<n>m|h|d`
 * or a .NET TimeSpan ([d.]hh:mm[:ss]), the two forms the Azure-Sentinel CI's converter reads.
 */
export function durationSeconds(text: unknown, format: 'arm' | 'yaml'): number | undefined {
  if (typeof text !== 'string') return undefined;
  if (format === 'arm') {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
    if (!m || text === 'P' || text.endsWith('T')) return undefined;
    return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  }
  const short = /^(\d+)([mhd])$/.exec(text);
  if (short) return Number(short[1]) * { m: 60, h: 3600, d: 86400 }[short[2] as 'm' | 'h' | 'd'];
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (span && Number(span[2]) < 24 && Number(span[3]) < 60 && Number(span[4] ?? 0) < 60) {
    return Number(span[1] ?? 0) * 86400 + Number(span[2]) * 3600 + Number(span[3]) * 60 + Number(span[4] ?? 0);
  }
  return undefined;
}

export function checkSchedule(file: string, props: Obj, format: 'arm' | 'yaml'): Finding[] {
  const out: Finding[] = [];
  const seconds: Partial<Record<'queryFrequency' | 'queryPeriod', number>> = {};
  for (const k of ['queryFrequency', 'queryPeriod'] as const) {
    const s = durationSeconds(props[k], format);
    if (s === undefined) out.push(facts.sentinelFileSchedule(file, `${k} ${JSON.stringify(props[k])} is not a duration${format === 'arm' ? ' (ISO 8601, e.g. PT1H)' : ' (e.g. 1h)'}`));
    else if (s < SENTINEL_MIN_SECONDS || s > SENTINEL_MAX_SECONDS) out.push(facts.sentinelFileSchedule(file, `${k} ${props[k]} is outside 5m..14d`));
    else seconds[k] = s;
  }
  if (seconds.queryPeriod !== undefined && seconds.queryFrequency !== undefined && seconds.queryPeriod < seconds.queryFrequency) {
    out.push(facts.sentinelFileSchedule(file, `queryPeriod ${props.queryPeriod} is shorter than queryFrequency ${props.queryFrequency}`));
  }
  return out;
}

export function checkTriggerThreshold(file: string, props: Obj): Finding[] {
  const t = props.triggerThreshold;
  return typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= TRIGGER_THRESHOLD_MAX ? [] : [facts.sentinelTriggerThreshold(file, t)];
}

/** `version` of the rule YAML, `templateVersion` of the ARM rule (optional there). */
export function checkVersion(file: string, props: Obj, format: 'arm' | 'yaml'): Finding[] {
  const key = format === 'arm' ? 'templateVersion' : 'version';
  if (format === 'arm' && !(key in props)) return [];
  const v = props[key];
  return typeof v === 'string' && VERSION.test(v) && v.length <= VERSION_MAX ? [] : [facts.sentinelVersion(file, key, v)];
}

/** Each technique (relevantTechniques in YAML, techniques in ARM) needs one of its tactics among `tactics`. */
export function checkTechniques(file: string, props: Obj, format: 'arm' | 'yaml'): Finding[] {
  const techniques = props[format === 'arm' ? 'techniques' : 'relevantTechniques'];
  const tactics = Array.isArray(props.tactics) ? props.tactics.map(String) : [];
  const out: Finding[] = [];
  for (const t of tactics) if (!TACTICS.has(t)) out.push(facts.sentinelFileTechniques(file, `tactic ${JSON.stringify(t)} is not one of Sentinel's (${[...TACTICS].join(', ')})`));
  if (!Array.isArray(techniques)) return out;
  for (const t of techniques.map(String)) {
    const want = tacticsOf(t);
    if (!want.length) out.push(facts.sentinelFileTechniques(file, `technique ${t} is not an ATT&CK technique Sentinel knows`));
    else if (!want.some((w) => tactics.includes(w))) out.push(facts.sentinelFileTechniques(file, `technique ${t} needs one of its tactics (${want.join(', ')}); tactics are ${tactics.join(', ') || 'none'}`));
  }
  return out;
}

/** Every check of a rule file (YAML or ARM properties), each finding with the rule key it belongs to. */
export function checkRuleFile(file: string, props: Obj, format: 'arm' | 'yaml'): Placed[] {
  return [
    ...checkEntityMappings(file, props).map((finding) => ({ key: 'entities' as const, finding })),
    ...checkPlaceholders(file, props),
    ...checkSchedule(file, props, format).map((finding) => ({ key: 'schedule' as const, finding })),
    ...checkTriggerThreshold(file, props).map((finding) => ({ key: 'rule' as const, finding })),
    ...checkVersion(file, props, format).map((finding) => ({ key: 'version' as const, finding })),
    ...checkTechniques(file, props, format).map((finding) => ({ key: 'attack' as const, finding })),
  ];
}

/** A watchlist's itemsSearchKey must name a column of the CSV it carries (after numberOfLinesToSkip lines). */
export function checkWatchlist(file: string, props: Obj): Finding[] {
  const raw = typeof props.rawContent === 'string' ? props.rawContent : '';
  const skip = typeof props.numberOfLinesToSkip === 'number' ? props.numberOfLinesToSkip : 0;
  const header = splitCsv(raw.split(/\r?\n/)[skip] ?? '') ?? [];
  const key = props.itemsSearchKey;
  return typeof key === 'string' && header.includes(key) ? [] : [facts.sentinelWatchlistSearchKey(file, String(key), header)];
}
