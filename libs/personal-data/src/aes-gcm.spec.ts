import { randomBytes } from 'node:crypto';
import { open, seal } from './aes-gcm';

describe('AES-256-GCM of personal fields', () => {
  const key = randomBytes(32);
  const clair = Buffer.from(JSON.stringify({ nom: 'Zébulon', prenom: 'Philomène' }), 'utf8');

  it('opens what it sealed, with the same key and context', () => {
    expect(open(key, seal(key, clair, 'SalarieEnregistre|s1'), 'SalarieEnregistre|s1').equals(clair)).toBe(true);
  });

  it('uses a fresh nonce: the same text sealed twice gives two ciphertexts', () => {
    expect(seal(key, clair, 'c').donnees.equals(seal(key, clair, 'c').donnees)).toBe(false);
  });

  it('refuses another key, another context (a ciphertext moved to another person) and an altered ciphertext', () => {
    const sealed = seal(key, clair, 'SalarieEnregistre|s1');
    expect(() => open(randomBytes(32), sealed, 'SalarieEnregistre|s1')).toThrow();
    expect(() => open(key, sealed, 'SalarieEnregistre|s2')).toThrow();
    const altere = Buffer.from(sealed.donnees);
    altere[0] ^= 1;
    expect(() => open(key, { ...sealed, donnees: altere }, 'SalarieEnregistre|s1')).toThrow();
  });
});
