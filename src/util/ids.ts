import { createHash } from 'node:crypto';

// A fixed namespace for detc's Sigma ids (itself a UUIDv5 of the DNS name "sigma.detc" in the DNS namespace is not
// needed: any fixed 16 bytes work). Used only when a rule id is not a UUID.
const DETC_NAMESPACE = '3f5c2a4e-8b1d-5c6e-9f70-0a1b2c3d4e5f';

function uuidBytes(u: string): Buffer | undefined {
  const hex = u.replace(/-/g, '');
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/** RFC 4122 version-5 UUID (SHA-1 of namespace bytes + name), lower-case. */
export function uuidV5(namespace: string, name: string): string {
  const ns = uuidBytes(namespace);
  if (!ns) throw new Error(`not a UUID: ${namespace}`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A deterministic id for a document derived from a rule (`purpose` e.g. `base`, `correlation/UniqueDestPorts`). */
export function derivedId(ruleId: string, purpose: string): string {
  if (uuidBytes(ruleId)) return uuidV5(ruleId, `detc:sigma:${purpose}`);
  return uuidV5(DETC_NAMESPACE, `detc:sigma:${ruleId}:${purpose}`);
}
