import { describe, expect, it } from 'vitest';
import { evaluateBranch } from '../../src/reference/evaluate.js';
import { hasTerm } from '../../src/reference/predicates.js';
import type { Rule } from '../../src/ir/types.js';
import { loadRules } from '../../src/load/load-rules.js';

const rules = loadRules('rules').rules;
const scan = rules.find((r) => r.slug === 'ip-block-scan')!;
const tool = rules.find((r) => r.slug === 'scan-tool-execution')!;
const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (min: number, sec = 0) => new Date(NOW - min * 60_000 + sec * 1000).toISOString();

/** `ports` distinct ports on `hosts` distinct hosts from `src`, all in the 5-minute window starting 30 min ago. */
function sweep(src: string, ports: number, hosts: number, startMin = 30): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const n = Math.max(ports, hosts);
  for (let i = 0; i < n; i++) {
    events.push({ time: at(startMin, i % 240), src_ip: src, dst_ip: `203.0.113.${i % hosts}`, dst_port: 1000 + (i % ports), device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' });
  }
  return events;
}
const run = (rule: Rule, events: Record<string, unknown>[]) => evaluateBranch(rule, rule.branches[0]!, events, { now: NOW });

describe('reference evaluator: ip-block-scan', () => {
  it('alerts at exactly 20 ports or 15 hosts, not at 19 or 14', async () => {
    expect(await run(scan, sweep('198.51.100.1', 20, 1))).toHaveLength(1);
    expect(await run(scan, sweep('198.51.100.1', 19, 1))).toHaveLength(0);
    expect(await run(scan, sweep('198.51.100.1', 1, 15))).toHaveLength(1);
    expect(await run(scan, sweep('198.51.100.1', 1, 14))).toHaveLength(0);
  });

  it('labels every ScanType in the founding order', async () => {
    const label = async (p: number, h: number) => (await run(scan, sweep('198.51.100.7', p, h)))[0]?.ScanType;
    expect(await label(1, 15)).toBe('IP Block Sweep (ping/single-port)');
    expect(await label(5, 20)).toBe('IP Block Sweep (ping/single-port)');
    expect(await label(25, 3)).toBe('Port Scan (single host)');
    expect(await label(20, 15)).toBe('Full Network Scan');
    expect(await label(20, 10)).toBe('Unknown Scan Pattern');
  });

  it('computes the founding output columns', async () => {
    const [row] = await run(scan, sweep('198.51.100.9', 60, 25));
    expect(row).toMatchObject({
      TimeGenerated: '2026-11-23T11:30:00.000Z', SourceIP: '198.51.100.9', UniqueDestPorts: 60, UniqueDestHosts: 25,
      TotalConnections: 60, DeviceVendor: 'Palo Alto Networks', DeviceProduct: 'PAN-OS',
      EarliestEvent: '2026-11-23T11:30:00.000Z', LatestEvent: '2026-11-23T11:30:59.000Z', ScanDurationSeconds: 59,
    });
    expect(row!.DestinationPorts).toEqual(Array.from({ length: 50 }, (_, i) => 1000 + i));
    expect((row!.SampledDestHosts as string[]).length).toBe(20);
    expect(Object.keys(row!)).toEqual(scan.branches[0]!.output.map((o) => o.name));
  });

  it('splits a scan across two 5-minute windows', async () => {
    const events = [...sweep('198.51.100.2', 12, 1, 32).map((e, i) => ({ ...e, time: at(32, i) })), ...sweep('198.51.100.2', 12, 1).map((e, i) => ({ ...e, time: at(30, i), dst_port: 2000 + i }))];
    // 12 ports at 11:28 (window 11:25) and 12 others at 11:30 (window 11:30): 24 in total, but no window reaches 20.
    expect(await run(scan, events)).toHaveLength(0);
  });

  it('excludes private and loopback sources by CIDR, keeps public look-alikes and IPv6', async () => {
    for (const src of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', 'fd00::1', '::1', 'fe80::1']) {
      expect(await run(scan, sweep(src, 25, 1)), src).toHaveLength(0);
    }
    for (const src of ['172.15.255.255', '172.32.0.0', '172.160.0.1', '2001:db8::1', '11.0.0.1']) {
      expect(await run(scan, sweep(src, 25, 1)), src).toHaveLength(1);
    }
  });

  it('ignores an empty source, ICMP without a port, and events outside the lookback', async () => {
    expect(await run(scan, sweep('', 25, 1))).toHaveLength(0);
    const icmp = sweep('198.51.100.3', 1, 20).map((e) => ({ ...e, dst_port: undefined }));
    const [r] = await run(scan, icmp);
    expect(r).toMatchObject({ UniqueDestPorts: 0, UniqueDestHosts: 20, DestinationPorts: [] });
    expect(await run(scan, sweep('198.51.100.4', 25, 1, 61))).toHaveLength(0);
  });
});

describe('reference evaluator: scan-tool-execution', () => {
  const proc = (name: string, cmd: string, path = `C:\\Tools\\${name}`) => ({ time: at(5), host: 'ws1', user: 'alice', process_name: name, process_path: path, command_line: cmd, parent_process_name: 'cmd.exe' });
  const fires = async (e: Record<string, unknown>) => (await run(tool, [e])).length === 1;

  it('matches every tool by file name, with and without .exe, in any case', async () => {
    for (const n of ['nmap', 'NMAP.EXE', 'masscan', 'zmap.exe', 'Unicornscan', 'hping3', 'netdiscover', 'fping.exe', 'angry_ip_scanner.exe', 'ipscan', 'Advanced_IP_Scanner.exe']) {
      expect(await fires(proc(n, n)), n).toBe(true);
    }
  });
  it('ignores benign look-alikes', async () => {
    expect(await fires(proc('nmap-helper.exe', 'nmap-helper.exe --update'))).toBe(false);
    expect(await fires(proc('notepad.exe', 'notepad.exe C:\\Users\\a\\nmap.txt'))).toBe(false);
  });
  it('matches scanner invocations with scan flags as whole terms', async () => {
    expect(await fires(proc('cmd.exe', 'cmd /c C:\\Tools\\nmap.exe -sS -Pn 10.0.0.0/24'))).toBe(true);
    expect(await fires(proc('python3', 'python3 -m portscan --target masscan'))).toBe(true);
    expect(await fires(proc('cmd.exe', 'cmd /c nmap.exe -sSV 10.0.0.1'))).toBe(false);
    expect(await fires(proc('cmd.exe', 'cmd /c nmapper -sS'))).toBe(false);
    expect(await fires(proc('bash', 'echo nmap'))).toBe(false);
  });
  it('whole-term matching follows KQL has', () => {
    expect(hasTerm('nmap -sS x', '-sS', false)).toBe(true);
    expect(hasTerm('nmap -sSV x', '-sS', false)).toBe(false);
    expect(hasTerm('nmap --sS x', '-sS', false)).toBe(true);
    expect(hasTerm('a-p-b', '-p-', false)).toBe(true);
    expect(hasTerm('C:\\nmap.exe', 'nmap', false)).toBe(true);
    expect(hasTerm('xnmap', 'nmap', false)).toBe(false);
    expect(hasTerm('NMAP', 'nmap', true)).toBe(false);
  });
});
