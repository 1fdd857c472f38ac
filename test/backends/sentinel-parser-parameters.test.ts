import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parserCall, withheldParameters, type ParameterScope } from '../../src/backends/sentinel/parser-parameters.js';
import type { Cidr, Condition, SourcePos } from '../../src/ir/types.js';
import { KqlChecker } from '../../src/kql-check/check-kql.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../src/kql-check/table-schemas.js';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const pos: SourcePos = { file: 'rules/t.yml', line: 1, col: 1, path: 'query.where' };
const ASIM: Record<string, string> = { time: 'TimeGenerated', action: 'DvcAction', dst_port: 'DstPortNumber', src_ip: 'SrcIpAddr', dst_ip: 'DstIpAddr', result: 'EventResult', protocol: 'NetworkProtocol' };
const scope: ParameterScope = { column: (f) => ASIM[f]!, time: 'time' };
const lookback = { fromSeconds: 3600, toSeconds: 0 };
const call = (where: Condition | undefined, range = lookback) => parserCall('_Im_NetworkSession', where, range, scope);

const str = (field: string, values: string[], cased: boolean, list?: string): Condition => ({ kind: 'string', op: values.length === 1 ? 'eq' : 'in', field, values, cased, list, pos });
const num = (field: string, values: number[]): Condition => ({ kind: 'number', op: values.length === 1 ? 'eq' : 'in', field, values, pos });
const cidr = (field: string, texts: string[], list?: string): Condition => ({
  kind: 'cidr', field, list, pos,
  ranges: texts.map((t): Cidr => {
    const [network, prefix] = t.split('/');
    return { text: t, family: t.includes(':') ? 6 : 4, network: network!, prefix: Number(prefix) };
  }),
});
const and = (...exprs: Condition[]): Condition => ({ kind: 'and', exprs, pos });
const or = (...exprs: Condition[]): Condition => ({ kind: 'or', exprs, pos });
const not = (expr: Condition): Condition => ({ kind: 'not', expr, pos });

describe('ASIM parser parameters: passed only where the rule implies them exactly', () => {
  it('every read passes its time range: the lookback up to now(), a baseline up to its end', () => {
    expect(call(undefined)).toBe('_Im_NetworkSession(starttime=ago(1h), endtime=now())');
    expect(call(undefined, { fromSeconds: 313 * 3600, toSeconds: 3600 })).toBe('_Im_NetworkSession(starttime=ago(313h), endtime=ago(1h))');
  });

  it('a function detc knows no parameters of is called without any', () => {
    expect(parserCall('_Im_Dns', str('action', ['Deny'], true), lookback, scope)).toBe('_Im_Dns()');
  });

  it('a required case-sensitive action filter becomes dvcaction; an OR of them the union, two of them the intersection', () => {
    expect(call(and(str('action', ['Deny', 'Drop'], true), num('dst_port', [22, 23])))).toBe('_Im_NetworkSession(starttime=ago(1h), endtime=now(), dvcaction=dynamic(["Deny", "Drop"]))');
    expect(call(or(str('action', ['Deny'], true), str('action', ['Drop', 'Deny'], true)))).toContain('dvcaction=dynamic(["Deny", "Drop"])');
    expect(call(and(str('action', ['Deny', 'Drop'], true), str('action', ['Drop', 'Reset'], true)))).toContain('dvcaction=dynamic(["Drop"])');
  });

  it('no dvcaction where it would drop rows the rule keeps: case-insensitive, optional, negated, from a watchlist, or an OR with another field', () => {
    for (const where of [
      str('action', ['deny'], false),
      or(str('action', ['Deny'], true), num('dst_port', [22])),
      not(str('action', ['Allow'], true)),
      str('action', ['Deny'], true, 'failed_actions'),
      or(str('action', ['Deny'], true), str('action', ['drop'], false)),
      str('protocol', ['TCP'], true),
    ]) expect(call(where)).toBe('_Im_NetworkSession(starttime=ago(1h), endtime=now())');
  });

  it('values are data: a quote or backslash in a value is escaped as a KQL literal', () => {
    expect(call(str('action', ['a"b\\c'], true))).toContain('dvcaction=dynamic(["a\\"b\\\\c"])');
    expect(call(str('result', ['Fail"ure'], true))).toContain('eventresult="Fail\\"ure"');
  });

  it('eventresult for one required case-sensitive value, never for "*" (the parameter\'s "any")', () => {
    expect(call(str('result', ['Failure'], true))).toContain(', eventresult="Failure")');
    expect(call(str('result', ['Failure', 'Success'], true))).not.toContain('eventresult');
    expect(call(str('result', ['*'], true))).not.toContain('eventresult');
  });

  it('dstportnumber where the rule pins exactly one port', () => {
    expect(call(and(num('dst_port', [22]), str('action', ['deny'], false)))).toBe('_Im_NetworkSession(starttime=ago(1h), endtime=now(), dstportnumber=int(22))');
    expect(call(num('dst_port', [22, 23]))).not.toContain('dstportnumber');
    expect(call(and(num('dst_port', [22, 23]), num('dst_port', [23, 24])))).toContain('dstportnumber=int(23)');
    expect(call(or(num('dst_port', [22]), num('dst_port', [23])))).not.toContain('dstportnumber');
  });

  it('a required IPv4 CIDR membership becomes whole-octet prefixes; IPv6, /0 and watchlists do not', () => {
    expect(call(cidr('src_ip', ['10.0.0.0/8', '192.168.0.0/16', '203.0.113.7/32']))).toContain('srcipaddr_has_any_prefix=dynamic(["10.", "192.168.", "203.0.113.7"])');
    expect(call(cidr('dst_ip', ['172.16.0.0/12']))).toContain(`dstipaddr_has_any_prefix=dynamic([${Array.from({ length: 16 }, (_, i) => `"172.${16 + i}."`).join(', ')}])`);
    expect(call(cidr('src_ip', ['198.51.100.128/25']))).toContain(`srcipaddr_has_any_prefix=dynamic([${Array.from({ length: 128 }, (_, i) => `"198.51.100.${128 + i}"`).join(', ')}])`);
    expect(call(cidr('src_ip', ['10.0.0.0/8', 'fc00::/7']))).not.toContain('prefix');
    expect(call(cidr('src_ip', ['0.0.0.0/0']))).not.toContain('prefix');
    expect(call(cidr('src_ip', ['10.0.0.0/8'], 'internal'))).not.toContain('prefix');
    expect(call(not(cidr('src_ip', ['10.0.0.0/8'])))).not.toContain('prefix');
    // More than 256 prefixes would stand for one filter: not passed.
    expect(call(cidr('src_ip', ['10.0.0.0/9', '11.0.0.0/9']))).toContain('srcipaddr_has_any_prefix=dynamic(["10.0.", "10.1.", ');
    expect(call(cidr('src_ip', ['10.0.0.0/9', '11.0.0.0/9', '12.0.0.0/9']))).not.toContain('prefix');
  });

  it('says why a parameter on a column the rule filters is withheld (REPORT.md), and is silent where nothing asks for values', () => {
    const withheld = (where: Condition) => withheldParameters('_Im_NetworkSession', where, scope);
    expect(withheld(and(or(str('action', ['deny'], false), str('action', ['S0'], true)), num('dst_port', [22, 23]), cidr('src_ip', ['10.0.0.0/8', 'fc00::/7'])))).toEqual([
      "srcipaddr_has_any_prefix not passed: the rule's SrcIpAddr ranges are not all IPv4 (or need more than 256 whole-octet prefixes)",
      'dstportnumber not passed: the rule allows more than one DstPortNumber',
      "dvcaction not passed: the rule compares DvcAction case-insensitively, the parser's dvcaction case-sensitively (it would drop 'DENY')",
    ]);
    expect(withheld(str('action', ['Deny'], true, 'failed_actions'))).toEqual(['dvcaction not passed: the rule reads its values from a list kept in the workspace (a watchlist or threat intelligence), which changes without a rebuild']);
    expect(withheld(and(str('action', ['Deny'], true), num('dst_port', [22])))).toEqual([]);
    expect(withheld(and({ kind: 'exists', field: 'src_ip', exists: true, pos }, not(cidr('src_ip', ['fc00::/7'])), or(str('action', ['deny'], false), num('dst_port', [22]))))).toEqual([]);
  });

  it('Kusto.Language accepts a call with every derived parameter against the declared signature, and refuses a misspelt one', () => {
    const dir = path.join(ROOT, 'schemas/kql');
    const checker = new KqlChecker(loadTableSchemas(dir), loadFunctionSchemas(dir));
    const full = call(and(str('action', ['Deny'], true), str('result', ['Failure'], true), num('dst_port', [22]), cidr('src_ip', ['10.0.0.0/8']), cidr('dst_ip', ['192.168.1.0/24'])));
    expect(full).toBe('_Im_NetworkSession(starttime=ago(1h), endtime=now(), srcipaddr_has_any_prefix=dynamic(["10."]), dstipaddr_has_any_prefix=dynamic(["192.168.1."]), dstportnumber=int(22), dvcaction=dynamic(["Deny"]), eventresult="Failure")');
    expect(checker.check(`${full}\n| where TimeGenerated >= ago(1h)`)).toEqual([]);
    expect(checker.check('_Im_NetworkSession(start_time=ago(1h))').map((p) => p.code)).toEqual(['KS196']);
  });
});

describe('detc build checks every parser call against the declared signature', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a parameter the function does not declare fails the build, naming the rule, the file and the finding', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-asim-'));
    dirs.push(dir);
    for (const p of ['lists', 'network/ip-block-scan.yml']) cpSync(path.join(ROOT, 'rules', p), path.join(dir, 'rules', p), { recursive: true });
    cpSync(path.join(ROOT, 'schemas/kql'), path.join(dir, 'schemas/kql'), { recursive: true });
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    // The workspace's parser declares `start_time`: detc's starttime= no longer names a parameter.
    const fn = path.join(dir, 'schemas/kql/_Im_NetworkSession.csl');
    writeFileSync(fn, readFileSync(fn, 'utf8').replace('(starttime: datetime', '(start_time: datetime'));
    const r = await run(dir, 'build', '-q');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC411: KQL KS196 in dist-rules\/sentinel\/ip-block-scan\.asim\.kql \(query line \d+, col 20\): The argument name does not refer to a declared parameter\./m);
    expect(r.err).not.toMatch(/sentinel\/ip-block-scan\.kql/);
  });
});
