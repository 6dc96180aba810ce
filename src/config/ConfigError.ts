import { ChorusError } from '../util/ChorusError.ts';

/** A configuration value is missing or wrong. The message names the variable and what is expected, never the value of a secret. */
export class ConfigError extends ChorusError {
  readonly variable: string;

  constructor(variable: string, expected: string, got: string | undefined) {
    super('config', `${variable}: expected ${expected}${got === undefined ? '' : `, got ${got}`}`);
    this.variable = variable;
  }
}
