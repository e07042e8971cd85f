import { utilisateurIdDe } from '@suivi/access';
import { marcheAttribue, placement, salarieEligible } from '../support/fixtures';
import { capturer, connecter, decrireDansLeNavigateur, demarrerAvecNavigateur, type AvecNavigateur } from '../support/navigateur';

/**
 * The web application in a real browser (Debian's Chromium, headless), as an acheteur uses it:
 * sign-in, their marchés with compliance and progress, a marché's page with its chart; another
 * donneur d'ordre's marché cannot be reached by its address; refusals and sign-out are clear.
 */
decrireDansLeNavigateur("l'application web d'un acheteur, dans Chromium", () => {
  let t: AvecNavigateur;
  let marcheA: Awaited<ReturnType<typeof marcheAttribue>>;
  let marcheB: Awaited<ReturnType<typeof marcheAttribue>>;

  beforeAll(async () => {
    t = await demarrerAvecNavigateur('web_acheteur');
    const { api } = t;
    marcheA = await marcheAttribue(api);
    marcheB = await marcheAttribue(api);
    let position = 0;
    for (const [marche, heures] of [
      [marcheA, [120, 135.5, 98]],
      [marcheB, [40, 0, 12]],
    ] as const) {
      const p = await placement(api, await salarieEligible(api), marche, '2025-01-02');
      for (const [i, h] of heures.entries()) {
        if (h === 0) continue;
        const res = await api.post(`/placements/${p}/heures`, { mois: `2025-0${i + 1}`, heures: h }).expect(201);
        position = Math.max(position, res.body.position);
      }
    }
    await api.get(`/marches?apres=${position}`).expect(200);
    await api.jetonPour('acheteur', { identifiant: 'acheteur-a', donneurOrdreId: marcheA.donneurOrdreId });
    await api.jetonPour('coordination', { identifiant: 'coordination-1' });
    await api.jetonPour('auditeur', { identifiant: 'auditeur-1' });
    await api.jetonPour('acheteur', { identifiant: 'acheteur-desactive', donneurOrdreId: marcheA.donneurOrdreId });
    await api.annuaire.desactiver(utilisateurIdDe('acheteur-desactive'), { userId: 'test', correlationId: 'test', causationId: null, now: new Date() });
  }, 120_000);

  afterAll(async () => {
    await t?.fermer();
  });

  it('se connecte, voit ses seuls marchés avec leur statut et leur avancement, puis la page du marché et son graphique', async () => {
    const page = await connecter(t.navigateur, t.base, 'acheteur-a');
    await page.waitForURL(`${t.base}/marches`);
    await page.getByRole('heading', { name: 'Marchés' }).waitFor();
    const lignes = page.locator('table.tableau tbody tr');
    await lignes.first().waitFor();
    expect(await lignes.count()).toBe(1);
    const numeroA = (await t.api.get(`/marches/${marcheA.marcheId}`).expect(200)).body.numero;
    const numeroB = (await t.api.get(`/marches/${marcheB.marcheId}`).expect(200)).body.numero;
    await expect(page.getByRole('link', { name: numeroA }).isVisible()).resolves.toBe(true);
    expect(await page.getByRole('link', { name: numeroB }).count()).toBe(0);
    // French formats: a narrow no-break space between thousands.
    const avancement = (await page.getByRole('progressbar').first().getAttribute('aria-valuetext'))!.replace(/[\u202f\u00a0]/g, ' ');
    expect(avancement).toContain('353,5 h réalisées sur 1 000 h prévues');
    await capturer(page, 'acheteur-marches');

    await page.getByRole('link', { name: numeroA }).click();
    await page.waitForURL(`${t.base}/marches/${marcheA.marcheId}`);
    await page.getByRole('heading', { name: 'Heures par mois' }).waitFor();
    await page.locator('figure.graphique canvas').waitFor();
    // The chart's figures, as the accessible table holds them.
    await page.getByText('Voir les chiffres du graphique').click();
    await expect(page.getByRole('row', { name: /janvier 2025/ }).first().textContent()).resolves.toContain('120 h');
    await capturer(page, 'acheteur-marche');
    await page.close();
  });

  it("n'atteint pas le marché d'un autre donneur d'ordre par son adresse", async () => {
    const page = await connecter(t.navigateur, t.base, 'acheteur-a');
    await page.goto(`${t.base}/marches/${marcheB.marcheId}`);
    const alerte = page.getByRole('alert');
    await alerte.waitFor();
    expect(await alerte.textContent()).toMatch(/Aucun marché/);
    const numeroB = (await t.api.get(`/marches/${marcheB.marcheId}`).expect(200)).body.numero;
    expect(await page.content()).not.toContain(numeroB);
    await page.close();
  });

  it('refuse clairement un mauvais mot de passe et un compte désactivé, et se déconnecte proprement', async () => {
    const page = await t.navigateur.newPage();
    await page.goto(`${t.base}/`);
    await page.getByLabel('Identifiant').fill('acheteur-a');
    await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/identifiant ou mot de passe/i);
    await page.getByLabel('Identifiant').fill('acheteur-desactive');
    await page.getByLabel('Mot de passe').fill('mot de passe de test assez long');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert').filter({ hasText: /désactivé/ }).textContent()).resolves.toMatch(/désactivé/);
    await capturer(page, 'connexion');
    await page.close();

    const connectee = await connecter(t.navigateur, t.base, 'acheteur-a');
    await connectee.getByRole('button', { name: 'Se déconnecter' }).click();
    await connectee.getByRole('button', { name: 'Se connecter' }).waitFor();
    // The token is gone: reloading does not sign back in.
    await connectee.reload();
    await connectee.getByRole('button', { name: 'Se connecter' }).waitFor();
    await connectee.close();
  });
});
