import { ConfigError } from '../errors';

/*
 * Read by hand, not with zod: every function reads its settings at cold start, and this is the
 * only validation get-payout does. zod/mini would add ~24 KB to that bundle and the
 * checks only config uses (URL, coercion, integer, enum, default, refine) ~8 KB to the others.
 */

/** What a reader returns for a value it refuses: the problem, worded to follow the variable's name. */
export class Invalid {
  constructor(readonly problem: string) {}
}

/** Turns a variable's text into its value, or says what is wrong with it. */
export type Reader<T> = (text: string) => T | Invalid;

/** A whole number from `min` (1 unless given) to `max`, as `Number()` reads it. */
export function wholeNumber({ min = 1, max }: { min?: number; max?: number } = {}): Reader<number> {
  return (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) return new Invalid('must be a whole number');
    if (value < min) return new Invalid(`must be at least ${min}`);
    if (max !== undefined && value > max) return new Invalid(`must be at most ${max}`);
    return value;
  };
}

/** A finite number greater than `above` and at most `max`, as `Number()` reads it. */
export function numberAbove(above: number, max: number): Reader<number> {
  return (text) => {
    const value = Number(text);
    return Number.isFinite(value) && value > above && value <= max
      ? value
      : new Invalid(`must be a number greater than ${above} and at most ${max}`);
  };
}

const HTTP_URL = 'must be an http(s) URL';

/** An http(s) URL with its scheme's `//`, trimmed, without trailing slashes (a base to append paths to). */
export const httpUrl: Reader<string> = (text) => {
  const value = text.trim().replace(/[\t\n\r]/g, '');
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return new Invalid(HTTP_URL);
  return value.replace(/\/+$/, '');
};

/** An http(s) URL with its scheme's `//`, kept exactly as written (a queue's address). */
export const exactHttpUrl: Reader<string> = (text) =>
  /^https?:\/\//i.test(text) && URL.canParse(text) ? text : new Invalid(HTTP_URL);

const FLAGS: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };

/** `true`/`1` or `false`/`0`. */
export const booleanFlag: Reader<boolean> = (text) => FLAGS[text] ?? new Invalid('must be true or false');

/** One of the given words. */
export function oneOf<const T extends string>(...values: T[]): Reader<T> {
  return (text) =>
    (values as string[]).includes(text) ? (text as T) : new Invalid(`must be ${values.join(' or ')}`);
}

/** Text of at least `min` characters. */
export function minLength(min: number): Reader<string> {
  return (text) => (text.length >= min ? text : new Invalid(`must be at least ${min} characters`));
}

/** Any text. */
export const anyText: Reader<string> = (text) => text;

/**
 * A boolean variable as Powertools reads it (`1 y yes t true on` / `0 n no f false off`, any case);
 * undefined when unset or not a boolean. Lenient on purpose: the metrics writer reads Powertools'
 * own variables as Powertools did, where a bad value counts as unset rather than failing.
 */
export function powertoolsFlag(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase() ?? '';
  if (['1', 'y', 'yes', 't', 'true', 'on'].includes(v)) return true;
  if (['0', 'n', 'no', 'f', 'false', 'off'].includes(v)) return false;
  return undefined;
}

/**
 * Reads variables from one environment and collects every problem, so that one ConfigError
 * names every missing or bad variable at once. An empty variable is treated as unset, so
 * `VAR=` cannot smuggle in an empty value.
 */
export class EnvReader {
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #problems: string[] = [];

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.#env = env;
  }

  /** The variable's value; `fallback` when it is unset or bad (a bad one is also a problem). */
  optional<T>(name: string, reader: Reader<T>): T | undefined;
  optional<T>(name: string, reader: Reader<T>, fallback: T): T;
  optional<T>(name: string, reader: Reader<T>, fallback?: T): T | undefined {
    const text = this.#env[name];
    if (text === undefined || text === '') return fallback;
    const value = reader(text);
    if (!(value instanceof Invalid)) return value;
    this.#problems.push(`${name} ${value.problem}`);
    return fallback;
  }

  /** The variable's value; unset or bad is a problem (the value is then never used: `done` throws). */
  required<T>(name: string, reader: Reader<T>): T {
    const text = this.#env[name];
    if (text === undefined || text === '') this.#problems.push(`${name} is required but not set`);
    return this.optional(name, reader) as T;
  }

  /** True while no variable read so far has a problem: for checks across variables. */
  get ok(): boolean {
    return this.#problems.length === 0;
  }

  /** Records a problem that no single variable's reader can see. */
  problem(text: string): void {
    this.#problems.push(text);
  }

  /** Throws a ConfigError naming every problem found, if any. */
  done(): void {
    if (this.#problems.length > 0) {
      throw new ConfigError(`Invalid configuration: ${this.#problems.join('; ')}.`);
    }
  }
}
