// Decodes, signs and checks the suite's JWTs for assertions; the clients themselves never verify signatures.
// A key is either a string (GoTrue's HS256 secret) or a private JWK (the ES256 key of the `es256` configuration).
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign as signData, timingSafeEqual,
  verify as verifyData } from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

export function decode(jwt) {
  const [header, payload] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}

/** A fresh ES256 key as GOTRUE_JWT_KEYS takes it: a private JWK with its kid that signs. */
export function generateEs256Key(kid) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig', key_ops: ['sign', 'verify'] };
}

/** The JWS header the suite puts on tokens signed with this key. */
export function headerOf(key) {
  return typeof key === 'string' ? { kid: 'nf-ident', typ: 'JWT', alg: 'HS256' }
    : { kid: key.kid, typ: 'JWT', alg: 'ES256' };
}

/** Whether the token is signed with this key (an HS256 secret or an ES256 JWK, of which the public part is used). */
export function verifies(jwt, key) {
  const [header, payload, signature] = jwt.split('.');
  const input = `${header}.${payload}`;
  if (typeof key === 'string') {
    const expected = Buffer.from(b64url(createHmac('sha256', key).update(input).digest()));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
  const { d, ...publicJwk } = key;
  return verifyData('sha256', Buffer.from(input), {
    key: createPublicKey({ key: publicJwk, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363',
  }, Buffer.from(signature, 'base64url'));
}

/** Signs claims as the suite would with this key. */
export function sign(claims, key) {
  const input = `${b64url(JSON.stringify(headerOf(key)))}.${b64url(JSON.stringify(claims))}`;
  if (typeof key === 'string') {
    return `${input}.${b64url(createHmac('sha256', key).update(input).digest())}`;
  }
  const signature = signData('sha256', Buffer.from(input), {
    key: createPrivateKey({ key, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${b64url(signature)}`;
}
