import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface Certificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * A throwaway certificate for 127.0.0.1, made with the openssl CLI at test time (node:crypto cannot write X.509).
 * @discordjs/voice hardcodes `wss://` for the voice gateway, so the fake voice server must speak TLS.
 */
export async function createSelfSignedCertificate(): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-discord-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await execFileAsync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Adds `cert` to the CA store of this process only (Node ≥ 24.5), so the bot under test verifies the fake's
 * certificate like a real one instead of turning verification off (NODE_TLS_REJECT_UNAUTHORIZED=0 would hide
 * TLS mistakes, and NODE_EXTRA_CA_CERTS is read only at start-up). Vitest runs each test file in its own process.
 */
export function trustCertificate(cert: string): void {
  const current = getCACertificates('default');
  if (!current.includes(cert)) setDefaultCACertificates([...current, cert]);
}
