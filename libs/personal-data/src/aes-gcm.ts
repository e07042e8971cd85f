import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a fresh 96-bit nonce; `context` is authenticated (a ciphertext moved to another person or field fails). */
export function seal(key: Buffer, plaintext: Buffer, context: string): { iv: Buffer; tag: Buffer; donnees: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const donnees = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), donnees };
}

export function open(key: Buffer, sealed: { iv: Buffer; tag: Buffer; donnees: Buffer }, context: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.donnees), decipher.final()]);
}
