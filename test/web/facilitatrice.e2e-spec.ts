import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { donneesDesFichiersDHeures, type PersonneDesFichiers } from '../support/donnees-des-fichiers-d-heures';
import { capturer, connecter, decrireDansLeNavigateur, demarrerAvecNavigateur, type AvecNavigateur } from '../support/navigateur';

/**
 * The facilitatrice's month in a real browser: hours through the form show in the marché's chart;
 * an import with a bad row shows the error by line and column and records nothing, the corrected
 * file records and the figures move; the hours form works with the keyboard alone. Each role
 * lands on its own home page.
 */
decrireDansLeNavigateur("l'application web d'une facilitatrice, dans Chromium", () => {
  let t: AvecNavigateur;
  let marcheId: string;
  let personnes: PersonneDesFichiers[];
  const fixture = (nom: string) => readFileSync(join(__dirname, '../fixtures', nom));
  const heuresDuMarche = async () => (await t.api.get(`/marches/${marcheId}/conformite`).expect(200)).body.heuresRealisees as number;

  beforeAll(async () => {
    t = await demarrerAvecNavigateur('web_facilitatrice');
    const donnees = await donneesDesFichiersDHeures(t.api);
    marcheId = donnees.marcheId;
    personnes = donnees.personnes;
    await t.api.jetonPour('coordination', { identifiant: 'coordination-1' });
    await t.api.jetonPour('auditeur', { identifiant: 'auditeur-1' });
    await t.api.jetonPour('acheteur', { identifiant: 'acheteur-1', donneurOrdreId: donnees.donneurOrdreId });
  }, 120_000);

  afterAll(async () => {
    await t?.fermer();
  });

  it('chaque rôle arrive sur sa page', async () => {
    for (const [identifiant, adresse, titre] of [
      ['facilitatrice-1', '/a-faire', /À faire/],
      ['acheteur-1', '/marches', /Marchés/],
      ['coordination-1', '/coordination', /coordination|suivis/i],
      ['auditeur-1', '/audit', /Audit/],
    ] as const) {
      const page = await connecter(t.navigateur, t.base, identifiant);
      await page.waitForURL(`${t.base}${adresse}`);
      await page.getByRole('heading', { level: 1, name: titre }).waitFor();
      await capturer(page, `accueil-${identifiant.replace(/-1$/, '')}`);
      await page.close();
    }
  });

  it('déclare des heures par le formulaire, au clavier seul, et les voit dans le graphique du marché', async () => {
    const page = await connecter(t.navigateur, t.base, 'facilitatrice-1');
    await page.goto(`${t.base}/placements/${personnes[0].placementId}`);
    await page.getByRole('heading', { name: 'Déclarer les heures d’un mois' }).waitFor();
    // Keyboard only: focus the month, choose January 2025, Tab to the hours, type, Enter.
    await page.getByLabel('Mois', { exact: true }).focus();
    await page.getByLabel('Mois', { exact: true }).selectOption('2025-01');
    await page.keyboard.press('Tab');
    expect(await page.locator('#heures-heures:focus').count()).toBe(1);
    await page.keyboard.type('151,67');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /enregistr|déclar/i }).first().waitFor();
    await page.getByRole('cell', { name: /151,67/ }).first().waitFor();
    await capturer(page, 'facilitatrice-placement');

    await page.goto(`${t.base}/marches/${marcheId}`);
    await page.getByText('Voir les chiffres du graphique').click();
    const janvier = page.getByRole('row', { name: /janvier 2025/ }).first();
    await janvier.waitFor();
    expect(await janvier.textContent()).toContain('151,67 h');
    await page.close();
  });

  it('déclare les heures du mois depuis la liste « À faire » : un nombre illisible est refusé sur place, puis la ligne enregistrée disparaît', async () => {
    const page = await connecter(t.navigateur, t.base, 'facilitatrice-1');
    const avant = await heuresDuMarche();
    await page.goto(`${t.base}/a-faire?mois=2025-06`);
    await page.getByText('3 placement(s) sans heures pour juin 2025').waitFor();
    const champ = page.locator('form.heures-en-ligne input').first();
    await champ.fill('douze');
    await champ.press('Enter');
    await page.getByText('Saisissez un nombre d’heures, par exemple 151,67.').waitFor();
    expect(await champ.getAttribute('aria-invalid')).toBe('true');
    await champ.fill('35,5');
    await champ.press('Enter');
    await page.getByRole('status').filter({ hasText: /35,5 h enregistrées pour .* \(juin 2025, marché / }).waitFor();
    await page.getByText('2 placement(s) sans heures pour juin 2025').waitFor();
    // Recorded once: the marché's realised hours moved by exactly those.
    expect(Math.round(((await heuresDuMarche()) - avant) * 100) / 100).toBe(35.5);
    await page.close();
  });

  it('importe un fichier avec une ligne fausse : voit l’erreur et rien n’est enregistré ; puis le bon fichier, et les chiffres changent', async () => {
    const page = await connecter(t.navigateur, t.base, 'facilitatrice-1');
    await page.goto(`${t.base}/import`);
    const avant = await heuresDuMarche();

    await page.getByLabel(/Fichier d’heures/).setInputFiles({ name: 'heures-erreurs.csv', mimeType: 'text/csv', buffer: fixture('heures-erreurs.csv') });
    await page.getByRole('button', { name: 'Vérifier' }).click();
    const erreurs = page.locator('table.tableau tbody tr');
    await erreurs.first().waitFor();
    expect(await erreurs.count()).toBe(4);
    expect(await erreurs.first().textContent()).toMatch(/^3mois/);
    expect(await page.getByRole('button', { name: 'Enregistrer' }).isDisabled()).toBe(true);
    await capturer(page, 'facilitatrice-import-erreurs');
    expect(await heuresDuMarche()).toBe(avant);

    // The corrected file: February and March of the three people (January of one is already declared above).
    await page.getByLabel(/Fichier d’heures/).setInputFiles({ name: 'heures.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: fixture('heures.xlsx') });
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await page.getByRole('button', { name: 'Enregistrer' }).and(page.locator(':enabled')).waitFor();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText(/enregistr/i).filter({ hasText: /déclaration/ }).first().waitFor();
    await capturer(page, 'facilitatrice-import');
    const apres = await heuresDuMarche();
    // The file holds 982,59 h; January of Hélène (151,67 h) was already there with the same hours.
    expect(Math.round((apres - avant) * 100) / 100).toBe(830.92);
    await page.close();
  });
});
