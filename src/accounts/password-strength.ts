/**
 * Refuses passwords an attacker tries first: one repeated character, keyboard walks, sequences and the
 * most common passwords. zxcvbn-ts scores a password by the guesses its matchers need (dictionaries of
 * common passwords, repeats, sequences, keyboard patterns); below score 2 (about 10^6 guesses) a
 * throttled online attack finds it. Length alone is checked by the schema before this runs.
 * @see https://zxcvbn-ts.github.io/zxcvbn/guide/getting-started/
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

const MIN_SCORE = 2;

// Loading the dictionaries takes tens of milliseconds: once, on first use.
let factory: ZxcvbnFactory | undefined;
function getFactory(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return factory;
}

/** True when the password is among the first guesses of an attacker. */
export function isPasswordTooGuessable(password: string): boolean {
  return getFactory().check(password).score < MIN_SCORE;
}
