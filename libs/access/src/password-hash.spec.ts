import { decoyHash, hashPassword, verifyPassword } from './password-hash';

describe('password hashes', () => {
  it('verifies the right password and refuses any other', async () => {
    const hash = await hashPassword('une phrase de passe solide');
    expect(await verifyPassword('une phrase de passe solide', hash)).toBe(true);
    expect(await verifyPassword('une phrase de passe solidE', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts each hash: the same password twice gives two different hashes', async () => {
    expect(await hashPassword('une phrase de passe solide')).not.toBe(await hashPassword('une phrase de passe solide'));
  });

  it('carries its settings, so that hashes made with other settings stay verifiable', async () => {
    const hash = await hashPassword('x'.repeat(12));
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  });

  it('treats composed and decomposed accents alike (NFC)', async () => {
    const hash = await hashPassword('mot de passe évident');
    expect(await verifyPassword('mot de passe e\u0301vident', hash)).toBe(true);
  });

  it('answers false for a malformed stored value and for the decoy', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(await verifyPassword('', await decoyHash())).toBe(false);
  });
});
