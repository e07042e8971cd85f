import { heures, part, STATUTS } from './formats';

/** A marché's realised hours against the required ones, with a mark where it should be today. */
export function Progression({ realisees, prevues, attendues }: { realisees: number; prevues: number; attendues: number }) {
  const taux = prevues > 0 ? realisees / prevues : 0;
  const repere = prevues > 0 ? Math.min(attendues / prevues, 1) : 0;
  return (
    <div class="progression">
      <div
        class="barre"
        role="progressbar"
        aria-label="Heures réalisées sur les heures prévues"
        aria-valuemin={0}
        aria-valuemax={prevues}
        aria-valuenow={Math.min(realisees, prevues)}
        aria-valuetext={`${heures(realisees)} réalisées sur ${heures(prevues)} prévues (${part(taux)}), ${heures(attendues)} attendues à ce jour`}
      >
        <div class="rempli" style={{ width: `${Math.min(taux, 1) * 100}%` }} />
        <div class="repere" style={{ left: `${repere * 100}%` }} title={`Attendu à ce jour : ${heures(attendues)}`} />
      </div>
      <span class="legende">
        {part(taux)} · attendu {part(repere)}
      </span>
    </div>
  );
}

export function Statut({ statut }: { statut: string }) {
  return <span class={`statut statut-${statut}`}>{STATUTS[statut] ?? statut}</span>;
}
