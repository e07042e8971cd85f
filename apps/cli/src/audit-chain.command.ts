import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { type ChainBreak, type ChainLink, type ChainVerification, verifyChain } from '@suivi/event-store';
import { withCliContext } from './cli-context';

export function registerAuditChainCommand(program: Command): void {
  program
    .command('audit:chain')
    .description(
      "verify the hash chain of the event log (PostgreSQL store): names the first broken link, exit code 1 if any; " +
        'prints the last hash, to note outside the database',
    )
    .option(
      '--ancre <position:hash>',
      'a hash noted by an earlier run, that must still be the one stored at that position (repeatable)',
      collectAnchor,
      [] as ChainLink[],
    )
    .action((options: { ancre: ChainLink[] }) =>
      withCliContext(async ({ config, database }) => {
        if (config.EVENT_STORE !== 'postgres') {
          throw new Error(
            'audit:chain: the hash chain is a feature of the PostgreSQL event store; with EVENT_STORE=eventstoredb, ' +
              'the log is EventStoreDB\'s (see the README, "Tamper evidence")',
          );
        }
        const bar = new SingleBar(
          { format: 'audit:chain [{bar}] {percentage}% | {value}/{total} | {speed} ev/s', hideCursor: true },
          Presets.shades_classic,
        );
        const started = Date.now();
        let barStarted = false;
        let result: ChainVerification;
        try {
          result = await verifyChain(database.url, {
            anchors: options.ancre,
            onProgress: ({ verified, target }) => {
              const speed = Math.round(verified / Math.max(0.001, (Date.now() - started) / 1000));
              if (!barStarted) {
                bar.start(target, verified, { speed });
                barStarted = true;
              } else {
                bar.update(verified, { speed });
              }
            },
          });
        } finally {
          bar.stop();
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(2);
        if (result.intact) {
          if (!result.head) {
            console.log('chaîne intacte : journal vide, aucun événement');
            return;
          }
          console.log(
            `chaîne intacte : ${result.events} événements, dernier hash ${result.head.hash} (position ${result.head.position}), ` +
              `vérifiée en ${seconds} s`,
          );
          console.log(
            `à noter hors de la base : une vérification ultérieure le contrôle avec --ancre ${result.head.position}:${result.head.hash}`,
          );
          return;
        }
        console.log(describeBreak(result.broken));
        console.log(`${result.events} événements vérifiés intacts avant ce maillon`);
        throw new Error(`audit:chain : chaîne rompue à la position ${result.broken.position}`);
      }),
    );
}

/** The first broken link, in one line for the auditor. */
function describeBreak(broken: ChainBreak): string {
  const where = (e: NonNullable<ChainBreak['event']>) =>
    `flux ${e.streamId}, révision ${e.revision}, type ${e.type}, événement ${e.eventId}`;
  switch (broken.kind) {
    case 'hash':
      return (
        `chaîne rompue à la position ${broken.position} (${where(broken.event!)}) : le hash enregistré ` +
        `${broken.found ?? '(absent)'} n'est pas celui recalculé de son contenu et du hash précédent (${broken.expected}) : ` +
        `cet événement a été modifié ou déplacé depuis son ajout, ou le précédent réécrit avec un hash recalculé`
      );
    case 'missing': {
      const next = broken.event!;
      const missing =
        next.position - 1 === broken.position ? `la position ${broken.position} manque` : `les positions ${broken.position} à ${next.position - 1} manquent`;
      return `chaîne rompue à la position ${broken.position} : ${missing} (événements supprimés) ; l'événement suivant est à la position ${next.position} (${where(next)})`;
    }
    case 'anchor':
      return broken.event
        ? `chaîne rompue à la position ${broken.position} (${where(broken.event)}) : l'ancre notée ${broken.expected} ` +
            `n'est plus le hash enregistré (${broken.found}) : le journal a été réécrit jusqu'à cette position`
        : `chaîne rompue à la position ${broken.position} : l'ancre ${broken.position}:${broken.expected} est au-delà de la fin ` +
            `du journal : des événements ont été retirés à la fin, ou l'ancre vient d'une autre base`;
  }
}

function collectAnchor(value: string, previous: ChainLink[]): ChainLink[] {
  const match = /^(\d+):([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!match || Number(match[1]) < 1) throw new InvalidArgumentError('expected <position>:<64 hex digits>, e.g. 1200:3f5a…');
  return [...previous, { position: Number(match[1]), hash: match[2].toLowerCase() }];
}
