import { InvalidArgumentError, type Command } from 'commander';
import { UserDirectory, utilisateurIdDe } from '@suivi/access';
import { CommandExecutor, type CommandContext } from '@suivi/commands';
import { DomainError, ROLES, type Role } from '@suivi/domain';
import { fraicheurDe } from '@suivi/projections';
import { cliContext, withCliContext, type CliContext } from './cli-context';

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`le rôle doit être l'un de : ${ROLES.join(', ')}`);
  return value as Role;
}

/** `-` reads the password from standard input, so that it shows in neither `ps` nor the shell history. */
async function motDePasse(value: string): Promise<string> {
  if (value !== '-') return value;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function annuaire(ctx: CliContext): UserDirectory {
  return new UserDirectory(new CommandExecutor(ctx.store));
}

/** A refused command says why in French, like the API, and exits non-zero. */
async function enFrancais<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) throw new Error(`${error.code} : ${error.message}`);
    throw error;
  }
}

export function registerUserCommands(program: Command): void {
  program
    .command('users:create')
    .description('create a user (an acheteur needs --donneur-ordre)')
    .requiredOption('--identifiant <id>', 'sign-in name: 3 to 64 characters, lower case letters, digits, . _ - @')
    .requiredOption('--role <role>', ROLES.join(' | '), role)
    .requiredOption('--mot-de-passe <pw>', 'at least 12 characters; "-" reads it from standard input')
    .option('--donneur-ordre <uuid>', "the acheteur's donneur d'ordre")
    .action((o: { identifiant: string; role: Role; motDePasse: string; donneurOrdre?: string }) =>
      withCliContext(async (ctx) => {
        const created = await enFrancais(async () =>
          annuaire(ctx).creer({ identifiant: o.identifiant, role: o.role, motDePasse: await motDePasse(o.motDePasse), donneurOrdreId: o.donneurOrdre ?? null }, cliContext()),
        );
        console.log(`utilisateur ${o.identifiant.trim().toLowerCase()} créé (${o.role}, id ${created.utilisateurId}) : il peut se connecter par POST /api/auth/connexion`);
      }),
    );

  for (const [name, verbe, action] of [
    ['users:disable', 'désactivé', (a: UserDirectory, id: string, c: CommandContext) => a.desactiver(id, c)],
    ['users:enable', 'réactivé', (a: UserDirectory, id: string, c: CommandContext) => a.reactiver(id, c)],
  ] as const) {
    program
      .command(name)
      .argument('<identifiant>', 'the user’s sign-in name')
      .description(name === 'users:disable' ? 'disable a user: they can no longer sign in, their tokens stop working' : 'enable a disabled user again')
      .action((identifiant: string) =>
        withCliContext(async (ctx) => {
          const { events } = await enFrancais(() => action(annuaire(ctx), utilisateurIdDe(identifiant), cliContext()));
          console.log(events.length > 0 ? `utilisateur ${identifiant} ${verbe}` : `utilisateur ${identifiant} déjà ${verbe} : rien à faire`);
        }),
      );
  }

  program
    .command('users:set-password')
    .argument('<identifiant>', 'the user’s sign-in name')
    .requiredOption('--mot-de-passe <pw>', 'at least 12 characters; "-" reads it from standard input')
    .description('give a user a new password (their open sessions end)')
    .action((identifiant: string, o: { motDePasse: string }) =>
      withCliContext(async (ctx) => {
        await enFrancais(async () => annuaire(ctx).modifierMotDePasse(utilisateurIdDe(identifiant), await motDePasse(o.motDePasse), cliContext()));
        console.log(`mot de passe de ${identifiant} changé`);
      }),
    );

  program
    .command('users:list')
    .description('every user with role, donneur d’ordre and state (from the utilisateurs read model)')
    .action(() =>
      withCliContext(async ({ dataSource, store }) => {
        const rows: Array<Record<string, unknown>> = await dataSource.query(
          `SELECT identifiant, role, donneur_ordre_id AS "donneurOrdre", CASE WHEN actif THEN 'actif' ELSE 'désactivé' END AS etat,
                  to_char(modifie_le AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS "modifié (UTC)"
             FROM utilisateurs.utilisateurs ORDER BY identifiant`,
        );
        if (rows.length === 0) console.log('aucun utilisateur : créez le premier administrateur avec users:create --role admin');
        else console.table(rows);
        const { retard } = await fraicheurDe('utilisateurs', store, dataSource);
        if (retard > 0) console.log(`(la liste n'intègre pas encore les ${retard} derniers événements du journal : démarrez l'api ou le projecteur pour la mettre à jour)`);
      }),
    );
}
