// Decodes and signs HS256 JWTs for assertions; the clients themselves never verify signatures.
import { createHmac } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export function decode(jwt) {
  const [header, payload] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

export function verifies(jwt, secret) {
  const [header, payload, signature] = jwt.split('.');
  return b64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest()) === signature;
}

export function sign(claims, secret) {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'nf-ident' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = b64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}
