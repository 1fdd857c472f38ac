import { describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/mapping/mapping.js';
import { confValue, pcreLiteral, splString } from '../../src/backends/splunk/escape.js';
import { cronFor, splunkBackend } from '../../src/backends/splunk/index.js';
import { ExprParser } from '../../src/engines/spl/eval-expr.js';
import { pcreToRegExp } from '../../src/engines/spl/values.js';
import { loadRules } from '../../src/load/load-rules.js';
import { splCondition } from '../../src/backends/splunk/expr.js';
import { baseRuleDoc, ruleFromDoc, ruleWithWhere } from '../helpers/rules.js';

const ctx = { templateDir: 'templates/splunk', mapping: loadMapping('templates/splunk/mapping.yml') };
const compile = (rules = loadRules('rules').rules) => {
  const r = splunkBackend.compile(rules, ctx);
  return { ...r, file: (p: string) => r.files.find((f) => f.path === p)!.content };
};

describe('SPL escaping', () => {
  it('string literals escape quotes and backslashes; control characters are spliced in with urldecode', () => {
    expect(splString('say "hi"')).toBe('"say \\"hi\\""');
    expect(splString('C:\\Temp\\')).toBe('"C:\\\\Temp\\\\"');
    expect(splString('a*b?c')).toBe('"a*b?c"');
    expect(splString('two\nlines')).toBe('("two" . urldecode("%0A") . "lines")');
    expect(splString('ünïcødé')).toBe('"ünïcødé"');
    // What the interpreter reads back is the original text.
    for (const s of ['say "hi"', 'C:\\Temp\\', 'a*b?c', 'two\nlines\ttab', 'ünïcødé', "it's|piped"]) {
      expect(ExprParser.parse(splString(s))({})).toBe(s);
    }
  });
  it('regex literals escape metacharacters and keep control characters on one line', () => {
    expect(pcreLiteral('a*b?c.(x)|[y]')).toBe('a\\*b\\?c\\.\\(x\\)\\|\\[y\\]');
    expect(pcreLiteral('two\nlines')).toBe('two\\x{0A}lines');
    for (const s of ['a*b?c.(x)|[y]', 'C:\\Temp\\', 'two\nlines', '$^{}+', '-p-', 'ü']) {
      expect(pcreToRegExp(pcreLiteral(s)).test(s)).toBe(true);
    }
  });
  it('where expressions keep * and ? literal, and newlines never reach the conf file raw', () => {
    const rule = ruleWithWhere({ any: [{ field: 'command_line', contains: ['a*b?', 'say "hi"', 'two\nlines', 'C:\\x\\'] }, { field: 'user', eq: 'Ünï' }] });
    const out = splunkBackend.compile([rule], ctx);
    const spl = out.files.find((f) => f.path === 'splunk/test-rule.spl')!.content;
    expect(spl).toContain('match(process, "(?i)(?:a\\\\*b\\\\?|say \\"hi\\"|two\\\\x{0A}lines|C:\\\\\\\\x\\\\\\\\)")');
    expect(spl).toContain('in(lower(user), "ünï")');
    const conf = out.files.find((f) => f.path.endsWith('savedsearches.conf'))!.content;
    // Every line of the search value but the last ends with a continuation backslash.
    const search = conf.slice(conf.indexOf('search = ')).split('\ncron_schedule')[0]!.split('\n');
    expect(search.length).toBe(spl.trimEnd().split('\n').length);
    expect(search.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
    expect(search.at(-1)!.endsWith('\\')).toBe(false);
  });
  it('a description with newlines stays one conf line', () => {
    expect(confValue('a\nb')).toBe('a \\\nb');
    const rule = ruleWithWhere({ field: 'process_name', eq: 'x' });
    const conf = splunkBackend.compile([{ ...rule, description: 'line one\nline two\n\nline three' }], ctx).files.find((f) => f.path.endsWith('savedsearches.conf'))!.content;
    expect(conf).toContain('\ndescription = line one line two line three\n');
  });
});

describe('splunk backend on the founding rules', () => {
  const out = compile();
  const spl = out.file('splunk/ip-block-scan.spl');
  it('excludes non-public sources with cidrmatch, never a string prefix', () => {
    for (const r of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '::1/128', 'fc00::/7', 'fe80::/10']) expect(spl).toContain(`cidrmatch("${r}", src_ip)`);
    expect(spl).not.toMatch(/172\.16\.\*|like\(src_ip/);
  });
  it('buckets a copy of _time, so min/max(_time) keep the event times (regression)', () => {
    expect(spl).toContain('| bin span=5m _time AS TimeGenerated');
    expect(spl).toContain('min(_time) AS EarliestEvent max(_time) AS LatestEvent');
    expect(spl).toContain('BY TimeGenerated src_ip');
    expect(spl).not.toMatch(/\| bin _time span/);
  });
  it('keeps the founding labels in order, sorts with sort 0, and ends with the filter macro', () => {
    const labels = [...spl.matchAll(/"(IP Block Sweep \(ping\/single-port\)|Port Scan \(single host\)|Full Network Scan|Unknown Scan Pattern)"/g)].map((m) => m[1]);
    expect(labels).toEqual(['IP Block Sweep (ping/single-port)', 'Port Scan (single host)', 'Full Network Scan', 'Unknown Scan Pattern']);
    expect(spl).toContain('| sort 0 - UniqueDestHosts - UniqueDestPorts');
    expect(spl.trimEnd().endsWith('| `ip_block_scan_filter`')).toBe(true);
    // After tstats: the CIM placeholder and tstats' fillnull_value both mean "missing".
    expect(spl).toContain('dest_port=if(in(tostring(dest_port), "0", "null"), null(), dest_port)');
  });
  it('matches tools by name case-insensitively and flags as whole terms', () => {
    const ep = out.file('splunk/scan-tool-execution.spl');
    expect(ep).toContain('in(lower(process_name), "nmap", "nmap.exe", "masscan"');
    expect(ep).toContain('(?<![A-Za-z0-9])nmap(?![A-Za-z0-9])');
    expect(ep).toContain('|-sS(?![A-Za-z0-9])|');
    expect(ep).toContain('|-p-|');
  });
  it('writes a Splunk app with a scheduled saved search per rule and a filter macro per rule', () => {
    const conf = out.file('splunk/detc_detections/default/savedsearches.conf');
    expect(conf.match(/^\[detc - .* - Rule\]$/gm)!.sort()).toEqual(loadRules('rules').rules.map((r) => `[detc - ${r.name} - Rule]`).sort());
    expect(conf).toContain('cron_schedule = 0 * * * *');
    expect(conf).toContain('dispatch.earliest_time = -1h');
    expect(conf).toContain('action.correlationsearch.annotations = {"mitre_attack":["T1595.001"],"kill_chain_phases":["reconnaissance"]}');
    expect(conf).toContain('action.notable.param.rule_title = $ScanType$ from $SourceIP$');
    expect(conf).toContain('action.risk.param._risk = [{"risk_object_field":"DeviceName","risk_object_type":"system","risk_score":50},{"risk_object_field":"AccountName","risk_object_type":"user","risk_score":50},{"threat_object_field":"ProcessCommandLine","threat_object_type":"process"}]');
    const macros = out.file('splunk/detc_detections/default/macros.conf');
    expect(macros).toMatch(/\[ip_block_scan_filter\]\ndefinition = search \*\n/);
    expect(macros).toMatch(/\[scan_tool_execution_filter\]\ndefinition = search \*\n/);
    expect(out.file('splunk/detc_detections/default/app.conf')).toContain('id = detc_detections');
  });
  it('turns odd frequencies into the nearest cron and says so', () => {
    const notes: string[] = [];
    expect(cronFor(300, (m) => notes.push(m))).toBe('*/5 * * * *');
    expect(cronFor(7200, (m) => notes.push(m))).toBe('0 */2 * * *');
    expect(cronFor(86400, (m) => notes.push(m))).toBe('0 0 * * *');
    expect(notes).toEqual([]);
    expect(cronFor(420, (m) => notes.push(m))).toBe('*/6 * * * *');
    expect(notes).toEqual(['schedule: every 7m is not expressible in cron; runs every 6m']);
  });
  it('is deterministic, with stanzas and macros in slug order whatever the input order', () => {
    expect(compile().files).toEqual(out.files);
    expect(compile([...loadRules('rules').rules].reverse()).files).toEqual(out.files);
    const conf = out.file('splunk/detc_detections/default/savedsearches.conf');
    expect(conf.indexOf('[detc - IP block scan')).toBeLessThan(conf.indexOf('[detc - Network scanning tool'));
    const macros = out.file('splunk/detc_detections/default/macros.conf');
    expect(macros.indexOf('[ip_block_scan_filter]')).toBeLessThan(macros.indexOf('[scan_tool_execution_filter]'));
  });
});

describe('SPL conditions', () => {
  const whereOf = (where: unknown) => {
    const spl = splunkBackend.compile([ruleWithWhere(where)], ctx).files.find((f) => f.path === 'splunk/test-rule.spl')!.content;
    return spl.split('\n').find((l) => l.startsWith('| where '))!.slice('| where '.length);
  };
  it('emits exact fragments for each operator', () => {
    expect(whereOf({ field: 'user', eq: 'a*b?' })).toBe('(isnotnull(user) AND in(lower(user), "a*b?"))');
    expect(whereOf({ field: 'user', eq: 'Ab"c', cased: true })).toBe('(isnotnull(user) AND in(user, "Ab\\"c"))');
    expect(whereOf({ field: 'process_path', startswith: 'C:\\Temp\\' })).toBe('(isnotnull(process_path) AND match(process_path, "(?i)\\\\AC:\\\\\\\\Temp\\\\\\\\"))');
    expect(whereOf({ field: 'process_name', endswith: '.EXE', cased: true })).toBe('(isnotnull(process_name) AND match(process_name, "\\\\.EXE\\\\z"))');
    expect(whereOf({ field: 'command_line', has: '-p-' })).toBe('(isnotnull(process) AND match(process, "(?i)-p-"))');
    expect(whereOf({ field: 'command_line', has: 'ünï' })).toBe('(isnotnull(process) AND match(process, "(?i)ünï"))');
    expect(whereOf({ field: 'host', exists: false })).toBe('(isnull(dest) OR dest="")');
    expect(whereOf({ field: 'process_id', in: [4, 8] })).toBe('(isnotnull(tonumber(process_id)) AND in(tonumber(process_id), 4, 8))');
    expect(whereOf({ not: { field: 'user', eq: 'x\ny' } })).toBe('NOT (isnotnull(user) AND in(lower(user), ("x" . urldecode("%0A") . "y")))');
  });
  it('is two-valued: NOT of a predicate on a missing field is true', () => {
    const rule = ruleWithWhere({ not: { any: [{ field: 'user', eq: 'x' }, { field: 'command_line', has: 'nmap' }, { field: 'process_id', gte: 3 }] } });
    const expr = splCondition(rule.branches[0]!.where!, { field: (f) => f, nullable: true });
    expect(ExprParser.parse(expr)({})).toBe(true);
    expect(ExprParser.parse(expr)({ command_line: 'C:\\nmap.exe -sS' })).toBe(false);
    expect(ExprParser.parse(expr)({ command_line: 'nmapper' })).toBe(true);
  });
  it('joins branches with append and names the files per rule', () => {
    const doc = baseRuleDoc();
    const q = doc.query as Record<string, unknown>;
    delete doc.query;
    doc.branches = [{ ...q, name: 'byname' }, { ...q, name: 'bycmd', where: { field: 'command_line', has: 'masscan' } }];
    const out = splunkBackend.compile([ruleFromDoc(doc)], ctx);
    const spl = out.files.find((f) => f.path === 'splunk/test-rule.spl')!.content;
    expect(spl).toMatch(/\n\| append \[\n\| datamodel Endpoint Processes flat\n[^]*\n\| `test_rule_filter`\n\]\n$/);
    expect(spl.match(/\| datamodel /g)!.length).toBe(2);
    expect(out.notes.some((n) => n.message.startsWith('branches: every branch after the first runs as an append subsearch'))).toBe(true);
  });
  it('keeps alert text one line, marks deprecated rules disabled and maps severities', () => {
    const doc = { ...baseRuleDoc(), status: 'deprecated', severity: 'critical', alert: { title: 'Scan on {{DeviceName}}', description: 'two\nlines {{ProcessCommandLine}}' } };
    const conf = splunkBackend.compile([ruleFromDoc(doc)], ctx).files.find((f) => f.path.endsWith('savedsearches.conf'))!.content;
    expect(conf).toContain('\ndisabled = 1\n');
    expect(conf).toContain('\nalert.severity = 6\n');
    expect(conf).toContain('\naction.notable.param.rule_title = Scan on $DeviceName$\n');
    expect(conf).toContain('\naction.risk.param._risk_message = two lines $ProcessCommandLine$\n');
    // Outside the search value no line is continued, and every non-comment line is a stanza or key = value.
    const body = conf.replace(/\nsearch = [^]*?\n(?=cron_schedule)/g, '\n');
    for (const line of body.split('\n')) expect(line === '' || line.startsWith('#') || /^\[.*\]$/.test(line) || /^[\w.]+ = /.test(line)).toBe(true);
  });
  it('says what it does with frequencies cron cannot express', () => {
    const notes: string[] = [];
    expect(cronFor(5400, (m) => notes.push(m))).toBe('0 * * * *');
    expect(cronFor(2 * 86400, (m) => notes.push(m))).toBe('0 0 * * *');
    expect(notes).toEqual(['schedule: every 90m is not expressible in cron; runs every 1h', 'schedule: every 2d is not expressible in cron; runs every 1d']);
  });
});

describe('followed_by in SPL: nested join subsearches', () => {
  const fbDoc = () => {
    const doc = baseRuleDoc();
    doc.query = {
      source: 'network_connection',
      where: { field: 'dst_port', lt: 1024 },
      aggregate: {
        window: { size: '15m', as: 'WindowStart' },
        by: [{ field: 'src_ip', as: 'SourceIP' }, { field: 'protocol', as: 'Proto' }],
        compute: [
          { as: 'Hosts', fn: 'distinct_count', field: 'dst_ip' },
          { as: 'Probes', fn: 'count' },
          { as: 'Ports', fn: 'values', field: 'dst_port', limit: 5 },
        ],
      },
      having: { all: [{ field: 'Hosts', gte: 5 }, { not: { field: 'Proto', eq: 'icmp' } }] },
      followed_by: {
        within: '30m',
        same: 'dst_ip',
        where: { field: 'action', in: ['say "hi"', 'C:\\x', 'two\nlines'], cased: true },
        compute: [{ as: 'Sessions', fn: 'count' }, { as: 'Reached', fn: 'values', field: 'dst_ip', limit: 3 }, { as: 'Vendor', fn: 'any', field: 'device_vendor' }],
      },
      output: ['WindowStart', 'SourceIP', 'Proto', 'Hosts', 'Sessions', 'Reached', 'Vendor'],
      sort: [{ column: 'Sessions', order: 'desc' }],
    };
    return doc;
  };
  const compileDoc = (doc: Record<string, unknown>) => {
    const out = splunkBackend.compile([ruleFromDoc(doc)], ctx);
    return { ...out, spl: out.files.find((f) => f.path === 'splunk/test-rule.spl')!.content, conf: out.files.find((f) => f.path.endsWith('savedsearches.conf'))!.content };
  };

  it('joins the scan rows, after having and before rename, with the follow-ups of the probes they made', () => {
    const { spl } = compileDoc(fbDoc());
    const resets = 'eval action=if(in(tostring(action), "unknown"), null(), action), dest_port=if(in(tostring(dest_port), "0"), null(), dest_port), transport=if(in(tostring(transport), "unknown"), null(), transport)';
    expect(spl).toBe([
      '| datamodel Network_Traffic All_Traffic flat',
      `| ${resets}`,
      '| where (isnotnull(tonumber(dest_port)) AND tonumber(dest_port)<1024)',
      '| where (isnotnull(src_ip) AND src_ip!="") AND (isnotnull(transport) AND transport!="")',
      '| bin span=15m _time AS WindowStart',
      '| stats dc(dest_ip) AS Hosts count AS Probes values(dest_port) AS Ports BY WindowStart src_ip transport',
      '| eval Ports=mvindex(Ports, 0, 4)',
      // A group key in having is read by its native name (the rename comes last).
      '| where (Hosts>=5 AND NOT (in(lower(transport), "icmp")))',
      '| join type=inner WindowStart src_ip transport [',
      '    | datamodel Network_Traffic All_Traffic flat',
      `    | ${resets}`,
      // The follow-ups: followed_by's where (escaped like any other), not the branch's.
      '    | where (isnotnull(action) AND in(action, "say \\"hi\\"", "C:\\\\x", ("two" . urldecode("%0A") . "lines")))',
      '    | join type=inner max=0 src_ip transport dest_ip [',
      '        | datamodel Network_Traffic All_Traffic flat',
      `        | ${resets}`,
      '        | where (isnotnull(tonumber(dest_port)) AND tonumber(dest_port)<1024)',
      '        | where (isnotnull(src_ip) AND src_ip!="") AND (isnotnull(transport) AND transport!="")',
      '        | bin span=15m _time AS detc_window',
      // Only the aggregates having reads, spelled as in the main stats.
      '        | eventstats dc(dest_ip) AS Hosts BY detc_window src_ip transport',
      '        | where (Hosts>=5 AND NOT (in(lower(transport), "icmp")))',
      '        | where (isnotnull(dest_ip) AND dest_ip!="")',
      '        | stats min(_time) AS detc_probe BY detc_window src_ip transport dest_ip',
      '    ]',
      '    | where _time>detc_probe AND _time<=detc_probe+1800',
      '    | stats count AS Sessions values(dest_ip) AS Reached first(vendor) AS Vendor BY detc_window src_ip transport',
      '    | eval Reached=mvindex(Reached, 0, 2)',
      '    | rename detc_window AS WindowStart',
      ']',
      '| rename src_ip AS SourceIP, transport AS Proto',
      '| sort 0 - Sessions',
      '| table WindowStart SourceIP Proto Hosts Sessions Reached Vendor',
      '| `test_rule_filter`',
      '',
    ].join('\n'));
  });

  it('the probes repeat the scan\'s first_seen, suppressions and lookups; without having, every scan group probes', () => {
    const doc = fbDoc();
    const q = doc.query as Record<string, unknown>;
    q.first_seen = { baseline: '1d' };
    q.where = { not: { field: 'src_ip', cidr: '$ranges' } };
    delete q.having;
    doc.lists = { ranges: { type: 'cidr', description: 'r', values: ['10.0.0.0/8'] } };
    const { spl } = compileDoc(doc);
    const inner = spl.slice(spl.indexOf('join type=inner max=0'), spl.indexOf('\n    ]'));
    expect(inner).toContain('\n        | eventstats min(_time) AS detc_first_seen BY src_ip transport\n        | where _time>=relative_time(now(), "-1h") AND detc_first_seen>=relative_time(now(), "-1h")\n');
    expect(inner).toContain('| where NOT (isnotnull(src_ip) AND cidrmatch("10.0.0.0/8", src_ip))');
    expect(inner).not.toMatch(/eventstats dc|Hosts>=/);
    // The follow-ups need neither first_seen nor the scan's where.
    const outer = spl.slice(spl.indexOf('| join type=inner WindowStart'), spl.indexOf('join type=inner max=0'));
    expect(outer).not.toMatch(/detc_first_seen|cidrmatch/);
    expect(spl.match(/detc_first_seen BY/g)!.length).toBe(2);
  });

  it('stays valid in savedsearches.conf, is deterministic, and says the join subsearches are bounded', () => {
    const a = compileDoc(fbDoc());
    expect(compileDoc(fbDoc()).files).toEqual(a.files);
    const search = a.conf.slice(a.conf.indexOf('search = ')).split('\ncron_schedule')[0]!.split('\n');
    expect(search.length).toBe(a.spl.trimEnd().split('\n').length);
    expect(search.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
    const note = a.notes.find((n) => n.message.startsWith('followed_by:'));
    expect(note?.kind).toBe('approximated');
    expect(note?.message).toMatch(/limits\.conf \[join\].*subsearch_maxout.*50000.*subsearch_maxtime.*60/);
  });

  it('runs in the SPL interpreter as emitted (brackets nest, subsearches are whole pipelines)', async () => {
    const { splitPipeline } = await import('../../src/engines/spl/pipeline.js');
    const parts = splitPipeline(compileDoc(fbDoc()).spl);
    expect(parts.filter((p) => p.startsWith('join '))).toHaveLength(1);
    expect(parts.at(-4)).toBe('rename src_ip AS SourceIP, transport AS Proto');
  });
});
