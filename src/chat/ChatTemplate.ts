import { ChorusError } from '../util/ChorusError.ts';

/** A template names a placeholder its event type does not provide, or has an unclosed brace. */
export class TemplateError extends ChorusError {
  readonly template: string;

  constructor(where: string, template: string, problem: string) {
    super('template', `${where}: ${problem} in the template ${JSON.stringify(template)}.`);
    this.template = template;
  }
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** The placeholder names used in a template, in order of appearance (repeats included once). */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/**
 * Checks a template before it is used, so a typo stops the program at start rather than being read aloud.
 * `where` names the setting (e.g. `templates.gift in chorus.bilibili.json`).
 */
export function validateTemplate(where: string, template: string, allowed: readonly string[]): void {
  const unknown = templatePlaceholders(template).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) {
    throw new TemplateError(where, template, `unknown placeholder ${unknown.map((name) => `{${name}}`).join(', ')} (allowed: ${allowed.map((name) => `{${name}}`).join(' ')})`);
  }
  const stray = template.replace(PLACEHOLDER, '');
  if (/[{}]/.test(stray)) throw new TemplateError(where, template, 'a stray "{" or "}"');
}

/**
 * Fills placeholders in one pass, so a value containing `{uname}` (a viewer typing it) is never expanded again.
 * A placeholder without a value becomes empty.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => values[name] ?? '');
}
