import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertificatePair {
  /** PEM private key. */
  key: string;
  /** PEM certificate for 127.0.0.1, valid one day. */
  cert: string;
  certPath: string;
}

/**
 * A fresh self-signed certificate for 127.0.0.1 (with the IP in subjectAltName, as TLS clients check), written to
 * `<dir>/<name>-key.pem` and `<dir>/<name>.pem` by openssl. Throws when openssl is missing.
 */
export function makeSelfSignedCertificate(dir: string, name = 'cert'): CertificatePair {
  const keyPath = join(dir, `${name}-key.pem`);
  const certPath = join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-days', '1', '-keyout', keyPath, '-out', certPath],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}
