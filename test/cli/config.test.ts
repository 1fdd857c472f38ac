import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');

describe('detc.config.yaml', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-config-'));
  cpSync(path.join(ROOT, 'rules'), path.join(dir, 'detections'), { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets the folders and the backends of build, test and check', async () => {
    writeFileSync(path.join(dir, 'detc.config.yaml'), 'rules: detections\nout: build/rules\nbackends: [sentinel, sigma]\n');
    const b = await run(dir, 'build', '-q');
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
    expect(readdirSync(path.join(dir, 'build/rules')).sort()).toEqual(['REPORT.md', 'sentinel', 'sigma']);
    expect(existsSync(path.join(dir, 'dist-rules'))).toBe(false);
    const t = await run(dir, 'test');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^\d+ passed, 0 failed(, \d+ skipped)? \(\d+ cases × 3 engines: reference, kql, sigma\)$/m);
    const c = await run(dir, 'check');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/0 out of date\), \d+ passed, 0 failed(, \d+ skipped)? fixture runs/);
  });

  it('a bad setting is an error with file, line and column', async () => {
    writeFileSync(path.join(dir, 'detc.config.yaml'), 'rules: detections\nbackends: [sentinel, elastic]\nouts: x\n');
    const r = await run(dir, 'validate');
    expect(r.code).toBe(1);
    expect(r.err).toContain('detc.config.yaml:2:22: error DETC013: must be equal to one of the allowed values: sentinel, splunk, sigma, typescript (at backends[1])');
    expect(r.err).toContain("detc.config.yaml:3:1: error DETC010: unknown setting 'outs' (at outs)");
  });

  it('defaultSeverity fills in rules that leave severity out; without it the rule names the missing field', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'detc-config-sev-'));
    try {
      cpSync(path.join(ROOT, 'rules'), path.join(d, 'rules'), { recursive: true });
      const file = path.join(d, 'rules/endpoint/scan-tool-execution.yml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^severity: medium\n/m, ''));
      const bad = await run(d, 'validate');
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/^rules\/endpoint\/scan-tool-execution\.yml:2:1: error DETC105: missing 'severity': set it in the rule, or defaultSeverity in detc\.config/m);
      writeFileSync(path.join(d, 'detc.config.yaml'), 'defaultSeverity: high\n');
      expect((await run(d, 'build', '-q')).code).toBe(0);
      expect(readFileSync(path.join(d, 'dist-rules/sentinel/scan-tool-execution.yaml'), 'utf8')).toMatch(/^severity: High$/m);
      // A rule's own severity still wins.
      expect(readFileSync(path.join(d, 'dist-rules/sentinel/ip-block-scan.yaml'), 'utf8')).toMatch(/^severity: Medium$/m);
      expect(readFileSync(path.join(d, 'dist-rules/sigma/proc_creation_scan_tool_execution.yml'), 'utf8')).toMatch(/^level: high$/m);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('Sentinel and Splunk deployment settings reach the ARM template and the Splunk app, and the engines still agree', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'detc-config-deploy-'));
    try {
      cpSync(path.join(ROOT, 'rules'), path.join(d, 'rules'), { recursive: true });
      writeFileSync(path.join(d, 'detc.config.yaml'), [
        'sentinel:',
        '  createIncident: false',
        '  incidentGrouping: { enabled: true, lookback: 6h, matchingMethod: AnyAlert }',
        '  suppression: { duration: 2h }',
        '  connectors:',
        '    network_connection: [{ connectorId: PaloAltoNetworksAma, dataTypes: [CommonSecurityLog] }]',
        'splunk:',
        '  app: { id: acme_soc_detections, label: "ACME SOC detections", version: 2.4.0, author: ACME SOC }',
        '  risk: false',
        '  scheduleWindow: 10',
        '  queryForm: datamodel',
        '',
      ].join('\n'));
      expect((await run(d, 'build', '-q')).code).toBe(0);
      const arm = JSON.parse(readFileSync(path.join(d, 'dist-rules/sentinel/ip-block-scan.arm.json'), 'utf8')).resources[0].properties;
      expect(arm.incidentConfiguration).toEqual({
        createIncident: false,
        groupingConfiguration: { enabled: true, reopenClosedIncident: false, lookbackDuration: 'PT6H', matchingMethod: 'AnyAlert' },
      });
      expect([arm.suppressionEnabled, arm.suppressionDuration]).toEqual([true, 'PT2H']);
      const yaml = parseYaml(readFileSync(path.join(d, 'dist-rules/sentinel/ip-block-scan.yaml'), 'utf8'));
      expect(yaml.requiredDataConnectors).toEqual([{ connectorId: 'PaloAltoNetworksAma', dataTypes: ['CommonSecurityLog'] }]);
      // Sources the config does not name keep the mapping's connectors.
      expect(readFileSync(path.join(d, 'dist-rules/sentinel/scan-tool-execution.yaml'), 'utf8')).toContain('connectorId: "MicrosoftThreatProtection"');
      expect(existsSync(path.join(d, 'dist-rules/splunk/detc_detections'))).toBe(false);
      const app = readFileSync(path.join(d, 'dist-rules/splunk/acme_soc_detections/default/app.conf'), 'utf8');
      expect(app).toMatch(/^label = ACME SOC detections$/m);
      expect(app).toMatch(/^id = acme_soc_detections$/m);
      expect(app).toMatch(/^version = 2\.4\.0$/m);
      expect(app).toMatch(/^author = ACME SOC$/m);
      const saved = readFileSync(path.join(d, 'dist-rules/splunk/acme_soc_detections/default/savedsearches.conf'), 'utf8');
      expect(saved).toMatch(/^action\.risk = 0$/m);
      expect(saved).not.toMatch(/^action\.risk\.param/m);
      expect(saved).toMatch(/^action\.notable = 1$/m);
      expect(saved).toMatch(/^schedule_window = 10$/m);
      // queryForm: datamodel reads raw events in every search (no tstats, no fallback to explain).
      for (const slug of ['ip-block-scan', 'low-and-slow-scan', 'scan-tool-execution']) {
        expect(readFileSync(path.join(d, `dist-rules/splunk/${slug}.spl`), 'utf8')).toMatch(/^\| datamodel (Network_Traffic All_Traffic|Endpoint Processes) flat\n/);
      }
      expect(readFileSync(path.join(d, 'dist-rules/REPORT.md'), 'utf8')).not.toContain('tstats');
      const c = await run(d, 'check');
      expect(c.code).toBe(0);
      expect(c.out).toMatch(/ 0 failed(, \d+ skipped)? fixture runs/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('a bad deployment setting names its line', async () => {
    writeFileSync(path.join(dir, 'detc.config.yaml'), 'rules: detections\nsplunk:\n  app: { id: "my app" }\n  queryForm: raw\ndefaultSeverity: severe\n');
    const r = await run(dir, 'validate');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/detc\.config\.yaml:3:14: error DETC014: must match pattern .* \(at splunk\.app\.id\)/);
    expect(r.err).toContain('detc.config.yaml:4:14: error DETC013: must be equal to one of the allowed values: tstats, datamodel (at splunk.queryForm)');
    expect(r.err).toMatch(/detc\.config\.yaml:5:18: error DETC013: must be equal to one of the allowed values: informational, low, medium, high, critical \(at defaultSeverity\)/);
  });
});
