import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

/**
 * A certificate for 127.0.0.1 as a TLS-inspecting corporate proxy presents it: issued by the company's intermediate CA,
 * whose root nobody outside the company trusts; the server sends the leaf and the intermediate. A client without the
 * root fails with UNABLE_TO_GET_ISSUER_CERT_LOCALLY.
 */
export function makePrivateCaCertificate(dir: string, name = 'proxied'): CertificatePair {
  const file = (suffix: string): string => join(dir, `${name}-${suffix}`);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  writeFileSync(file('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  writeFileSync(file('leaf.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Example Corp Root CA', '-days', '1', '-keyout', file('root-key.pem'), '-out', file('root.pem')]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Example Corp Inspection CA', '-keyout', file('inter-key.pem'), '-out', file('inter.csr')]);
  run(['x509', '-req', '-in', file('inter.csr'), '-CA', file('root.pem'), '-CAkey', file('root-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', file('ca.ext'), '-out', file('inter.pem')]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('key.pem'), '-out', file('leaf.csr')]);
  run(['x509', '-req', '-in', file('leaf.csr'), '-CA', file('inter.pem'), '-CAkey', file('inter-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', file('leaf.ext'), '-out', file('leaf.pem')]);
  const chain = readFileSync(file('leaf.pem'), 'utf8') + readFileSync(file('inter.pem'), 'utf8');
  writeFileSync(file('chain.pem'), chain);
  return { key: readFileSync(file('key.pem'), 'utf8'), cert: chain, certPath: file('chain.pem') };
}
