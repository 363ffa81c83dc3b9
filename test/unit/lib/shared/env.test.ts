import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/errors';
import {
  booleanFlag,
  EnvReader,
  exactHttpUrl,
  httpUrl,
  Invalid,
  numberAbove,
  oneOf,
  powertoolsFlag,
  wholeNumber,
} from '../../../../lib/shared/env';

describe('EnvReader', () => {
  it('reads set variables, falls back for unset and empty ones, and passes when nothing is wrong', () => {
    // Prepare
    const settings = new EnvReader({ A: '5', B: '', C: 'https://x.test/' });

    // Act
    const values = [
      settings.optional('A', wholeNumber(), 1),
      settings.optional('B', wholeNumber(), 7),
      settings.optional('MISSING', wholeNumber()),
      settings.required('C', httpUrl),
    ];

    // Assess
    expect(values).toEqual([5, 7, undefined, 'https://x.test']);
    expect(() => settings.done()).not.toThrow();
  });

  it('names every missing or bad variable in one ConfigError', () => {
    // Prepare
    const settings = new EnvReader({ A: 'x', B: '' });

    // Act
    settings.optional('A', wholeNumber(), 1);
    settings.required('B', httpUrl);
    settings.problem('A must not exceed B');

    // Assess
    expect(() => settings.done()).toThrow(
      new ConfigError(
        'Invalid configuration: A must be a whole number; B is required but not set; A must not exceed B.',
      ),
    );
  });
});

describe('readers', () => {
  it.each([
    [wholeNumber({ max: 10 }), '11', new Invalid('must be at most 10')],
    [wholeNumber(), '0', new Invalid('must be at least 1')],
    [wholeNumber({ min: 0 }), '0', 0],
    [numberAbove(0, 1), '0.001', 0.001],
    [numberAbove(0, 1), '0', new Invalid('must be a number greater than 0 and at most 1')],
    [httpUrl, ' http://h.test//\n', 'http://h.test'],
    [httpUrl, 'ftp://h.test', new Invalid('must be an http(s) URL')],
    [exactHttpUrl, 'http://h.test/q/', 'http://h.test/q/'],
    [booleanFlag, '0', false],
    [booleanFlag, 'yes', new Invalid('must be true or false')],
    [oneOf('prefix', 'suffix'), 'middle', new Invalid('must be prefix or suffix')],
  ] as const)('%#: reads %j', (reader, text, expected) => {
    expect((reader as (text: string) => unknown)(text)).toEqual(expected);
  });
});

describe('powertoolsFlag', () => {
  it('reads Powertools booleans leniently: anything else counts as unset', () => {
    expect(['YES', ' on', '0', 'off', 'maybe', undefined].map(powertoolsFlag)).toEqual([
      true,
      true,
      false,
      false,
      undefined,
      undefined,
    ]);
  });
});
