import { Presets, SingleBar } from 'cli-progress';
import { type Command } from 'commander';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { CommandExecutor } from '@suivi/commands';
import { ImportsHeures, type Avancement, type Travail } from '@suivi/imports';
import { PersonalDataProtection, PersonalKeys, resolveMasterKey } from '@suivi/personal-data';
import { cliContext, withCliContext } from './cli-context';

const ETAPES: Record<string, string> = { lecture: 'lecture', verification: 'vérification', enregistrement: 'enregistrement' };

/**
 * `import:heures FILE [--simulation]`: the same import as `POST /api/imports/heures`, with a
 * progress bar; prints every error by line and column, and exits non-zero when nothing was recorded.
 */
export function registerImportHeuresCommand(program: Command): void {
  program
    .command('import:heures')
    .description("import a month's timesheet (French CSV or XLSX, the template's columns): everything is checked before anything is recorded")
    .argument('<fichier>', 'the CSV or XLSX file')
    .option('--simulation', 'check every row and say what would be recorded, recording nothing')
    .action((fichier: string, o: { simulation?: boolean }) =>
      withCliContext(async ({ config, store, dataSource }) => {
        await access(fichier).catch(() => {
          throw new Error(`fichier introuvable : ${fichier}`);
        });
        // Names are compared in clear: the executor decrypts with the service's master key.
        const executor = new CommandExecutor(store, new PersonalDataProtection(new PersonalKeys(dataSource, resolveMasterKey(config))));
        const imports = new ImportsHeures(dataSource, executor);
        const bar = new SingleBar({ format: '{etape} [{bar}] {percentage}% | {value}/{total} lignes', hideCursor: true }, Presets.shades_classic);
        let etape: string | null = null;
        const suivi = (a: Avancement) => {
          if (a.lignesTotal === null) {
            process.stderr.write(`\rlecture : ${a.lignesTraitees} lignes lues`);
            return;
          }
          if (etape !== a.etat) {
            if (etape === null) process.stderr.write('\n');
            else bar.stop();
            etape = a.etat;
            bar.start(a.lignesTotal, 0, { etape: ETAPES[a.etat] ?? a.etat });
          }
          bar.update(a.lignesTraitees);
        };
        const { fin } = await imports.lancer(
          { chemin: fichier, nomFichier: basename(fichier), simulation: o.simulation === true, utilisateurId: cliContext().userId },
          suivi,
        );
        const travail = await fin;
        if (etape !== null) bar.stop();
        else process.stderr.write('\n');
        await afficher(imports, travail);
        if (travail.etat === 'refuse' || travail.etat === 'interrompu') process.exitCode = 1;
      }),
    );
}

async function afficher(imports: ImportsHeures, travail: Travail): Promise<void> {
  const { declarations, corrections, inchangees } = travail.compteurs;
  console.log(`import ${travail.id} : ${travail.etat}${travail.simulation ? ' (simulation : rien n’est enregistré)' : ''}`);
  console.log(`  fichier ${travail.nomFichier} (${travail.format ?? '?'}${travail.encodage ? `, ${travail.encodage}` : ''}), ${travail.lignes} lignes`);
  if (travail.colonnesIgnorees.length > 0) console.log(`  colonnes ignorées : ${travail.colonnesIgnorees.join(', ')}`);
  if (travail.probleme) console.log(`  ${travail.probleme.code} : ${travail.probleme.message}`);
  console.log(`  ${travail.simulation || travail.etat === 'refuse' ? 'seraient enregistrées' : 'enregistrées'} : ${declarations} déclarations, ${corrections} corrections ; ${inchangees} lignes déjà enregistrées à l'identique`);
  if (travail.erreursTotal === 0) return;
  console.log(`  ${travail.erreursTotal} erreur(s)${travail.etat === 'refuse' ? " : rien n'a été enregistré" : ''} :`);
  for (let decalage = 0; decalage < travail.erreursTotal; decalage += 1000) {
    for (const e of await imports.travaux.erreurs(travail.id, 1000, decalage)) console.log(`  ligne ${e.ligne}${e.colonne ? `, colonne ${e.colonne}` : ''} : ${e.code} — ${e.message}`);
  }
}
