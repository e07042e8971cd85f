/**
 * The import of the month's timesheets (CSV or XLSX): reading the files, tying rows to
 * placements, and the job that checks then records them. Used by the api and the CLI.
 */
export * from './import-heures';
export * from './en-parallele';
export * from './travaux/travaux-import';
export { ImportsSchema1764400000000 } from './travaux/travaux.migration';
export * from './lecture/colonnes';
export * from './lecture/fichier-invalide';
export * from './lecture/ligne-heures';
export * from './lecture/modele';
