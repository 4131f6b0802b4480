import { InputError } from '../errors.js';

/**
 * Bad capacity input (a negative or non-numeric value, unsorted timestamps, an empty series…).
 * An InputError, so the server answers 400 problem+json naming `field` (and `line` for CSV).
 */
export class CapacityInputError extends InputError {
  readonly field: string;
  readonly line: number | undefined;

  constructor(field: string, message: string, line?: number) {
    super(message, [{ path: field, message, ...(line === undefined ? {} : { line }) }], 'INVALID_SERIES');
    this.field = field;
    this.line = line;
  }
}
