import { UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Jetons } from './jetons';

const utilisateur = { utilisateurId: '6f1c0f6e-8d1e-4f57-9b52-3c1a1d7e2a10', empreinteMotDePasse: 'scrypt$empreinte' };

async function code(promesse: Promise<unknown>): Promise<string | undefined> {
  try {
    await promesse;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedException);
    return ((error as UnauthorizedException).getResponse() as { code?: string }).code;
  }
}

describe('Jetons', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers a verified token again without checking it anew, and still refuses a forged one', async () => {
    const jwt = new JwtService({ secret: 'secret-de-test-assez-long-pour-hs256' });
    const jetons = new Jetons(jwt, 3600);
    const { jeton } = await jetons.emettre(utilisateur);
    const verifier = jest.spyOn(jwt, 'verifyAsync');
    expect((await jetons.verifier(jeton)).sub).toBe(utilisateur.utilisateurId);
    expect((await jetons.verifier(jeton)).sub).toBe(utilisateur.utilisateurId);
    expect(verifier).toHaveBeenCalledTimes(1);

    const [entete, contenu, signature] = jeton.split('.');
    const autreSignature = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await code(jetons.verifier(`${entete}.${contenu}.${autreSignature}`))).toBe('JETON_INVALIDE');
    // Signed with another secret: not the same token, never taken for it.
    const autre = await new Jetons(new JwtService({ secret: 'un-autre-secret-de-test-assez-long' }), 3600).emettre(utilisateur);
    expect(await code(jetons.verifier(autre.jeton))).toBe('JETON_INVALIDE');
  });

  it('refuses a remembered token once it has expired (JETON_EXPIRE)', async () => {
    // Date.now only: jsonwebtoken's clock, without faking the timers its async verify waits on.
    const maintenant = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-24T10:00:00Z'));
    const jetons = new Jetons(new JwtService({ secret: 'secret-de-test-assez-long-pour-hs256' }), 60);
    const { jeton } = await jetons.emettre(utilisateur);
    expect((await jetons.verifier(jeton)).sub).toBe(utilisateur.utilisateurId);
    maintenant.mockReturnValue(Date.parse('2026-11-24T10:01:00Z'));
    expect(await code(jetons.verifier(jeton))).toBe('JETON_EXPIRE');
  });
});
