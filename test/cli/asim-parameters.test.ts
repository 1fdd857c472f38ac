import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');

// A rule whose filters imply every derivable ASIM parameter: case-sensitive actions (dvcaction), one port
// (dstportnumber), an IPv4 destination range (dstipaddr_has_any_prefix). Its fixture holds events each parameter
// drops (and the rule's own filter too): every engine must agree, and a parameter changed by hand in the emitted
// .asim.kql alone must fail the kql engine.
const RULE = `id: 9b0f0c1e-5d7a-4c41-9a51-2f6f3a0e7d11
name: Denied SSH into the DMZ
version: 1.0.0
description: A firewall denied or dropped SSH to a DMZ address (ASIM actions, matched case-sensitively).
severity: low
attack: { tactics: [reconnaissance], techniques: [T1595.001] }
false_positives: [{ class: tests, description: Only tests. }]
triage: { questions: [q], escalation: [e], l1: [a], l2: [b], containment: [c] }
schedule: { frequency: 1h, lookback: 1h }
query:
  source: network_connection
  where:
    all:
      - { field: action, in: [Deny, Drop], cased: true }
      - { field: dst_port, eq: 22 }
      - { field: dst_ip, cidr: [203.0.113.0/24] }
  output:
    - { field: time, as: TimeGenerated }
    - { field: src_ip, as: SourceIP }
    - { field: dst_ip, as: DestinationIP }
    - { field: action, as: DeviceAction }
  sort:
    - { column: TimeGenerated, order: asc }
`;
const FIXTURES = `now: 2026-11-23T12:00:00Z
cases:
  - name: denied and dropped SSH into the DMZ alert; other actions, cases, ports and networks do not
    events:
      format: canonical
      inline:
        - { time: 2026-11-23T11:10:00Z, src_ip: 198.51.100.1, dst_ip: 203.0.113.5, dst_port: 22, action: Deny }
        - { time: 2026-11-23T11:10:01Z, src_ip: 198.51.100.2, dst_ip: 203.0.113.6, dst_port: 22, action: Drop }
        - { time: 2026-11-23T11:10:02Z, src_ip: 198.51.100.3, dst_ip: 203.0.113.7, dst_port: 22, action: deny }
        - { time: 2026-11-23T11:10:03Z, src_ip: 198.51.100.4, dst_ip: 203.0.113.8, dst_port: 22, action: Allow }
        - { time: 2026-11-23T11:10:04Z, src_ip: 198.51.100.5, dst_ip: 203.0.113.9, dst_port: 23, action: Deny }
        - { time: 2026-11-23T11:10:05Z, src_ip: 198.51.100.6, dst_ip: 203.0.114.9, dst_port: 22, action: Deny }
        - { time: 2026-11-23T11:10:06Z, src_ip: 198.51.100.7, dst_ip: 2001:db8::9, dst_port: 22, action: Deny }
        - { time: 2026-11-23T10:59:59Z, src_ip: 198.51.100.8, dst_ip: 203.0.113.10, dst_port: 22, action: Deny }
        - { time: 2026-11-23T12:00:00Z, src_ip: 198.51.100.9, dst_ip: 203.0.113.11, dst_port: 22, action: Deny }
    expect:
      - { TimeGenerated: 2026-11-23T11:10:00Z, SourceIP: 198.51.100.1, DestinationIP: 203.0.113.5, DeviceAction: Deny }
      - { TimeGenerated: 2026-11-23T11:10:01Z, SourceIP: 198.51.100.2, DestinationIP: 203.0.113.6, DeviceAction: Drop }
`;

describe('ASIM parser parameters, end to end: compiled from the rule, run by the kql engine', () => {
  let dir: string;
  const asim = () => path.join(dir, 'dist-rules/sentinel/denied-ssh-dmz.asim.kql');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-asim-e2e-'));
    cpSync(path.join(ROOT, 'rules/lists'), path.join(dir, 'rules/lists'), { recursive: true });
    writeFileSync(path.join(dir, 'rules/denied-ssh-dmz.yml'), RULE);
    writeFileSync(path.join(dir, 'rules/denied-ssh-dmz.test.yml'), FIXTURES);
    const r = await run(dir, 'build', '-q');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the parameters the filters imply, keeps the filters, and every engine agrees on the events they drop', async () => {
    const kql = readFileSync(asim(), 'utf8');
    expect(kql).toContain('\n_Im_NetworkSession(starttime=ago(1h), endtime=now(), dstipaddr_has_any_prefix=dynamic(["203.0.113."]), dstportnumber=int(22), dvcaction=dynamic(["Deny", "Drop"]))\n| where TimeGenerated >= ago(1h)\n| where (DvcAction in ("Deny", "Drop") and (isnotnull(DstPortNumber) and DstPortNumber == 22) and coalesce(ipv4_is_in_any_range(DstIpAddr, dynamic(["203.0.113.0/24"])), false))\n');
    const r = await run(dir, 'test');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^5 passed, 0 failed \(1 cases × 5 engines/m);
  });

  const edits: [string, string, string][] = [
    ['a dvcaction value', 'dvcaction=dynamic(["Deny", "Drop"])', 'dvcaction=dynamic(["DENY", "Drop"])'],
    ['dstportnumber', 'dstportnumber=int(22)', 'dstportnumber=int(23)'],
    ['a destination prefix', 'dstipaddr_has_any_prefix=dynamic(["203.0.113."])', 'dstipaddr_has_any_prefix=dynamic(["203.0.114."])'],
    ['starttime', 'starttime=ago(1h)', 'starttime=ago(49m)'],
  ];
  for (const [what, from, to] of edits) {
    it(`${what} changed by hand in the emitted .asim.kql fails detc test in the kql engine alone`, async () => {
      const original = readFileSync(asim(), 'utf8');
      expect(original).toContain(from);
      writeFileSync(asim(), original.replace(from, to));
      try {
        const r = await run(dir, 'test');
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^FAIL \S+ denied-ssh-dmz › .* \[kql\]\nengine error: sentinel\/denied-ssh-dmz\.asim\.kql \(@asim\) raises \d alerts where sentinel\/denied-ssh-dmz\.kql raises 2/m);
        expect(new Set([...r.err.matchAll(/^FAIL .*\[(\w+)\]$/gm)].map((m) => m[1]))).toEqual(new Set(['kql']));
      } finally {
        writeFileSync(asim(), original);
      }
    });
  }
});
