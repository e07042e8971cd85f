/** The whole file cannot be read: answered as one error (HTTP 422 by the caller), nothing imported. */
export class FichierImportInvalide extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'FichierImportInvalide';
  }
}
