/** The body of every HTTP error (API.md): a stable code, a French message saying what to fix. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export interface FieldError {
  champ: string;
  message: string;
}
