/**
 * True when a reported amount (`3.0000`, `"3"`, `3`) equals the recorded whole-shilling
 * amount, compared as decimal text, never as floats.
 */
export function sameAmount(reported: string | number, recorded: number): boolean {
  if (typeof reported === 'number') {
    // JSON `3.0000` arrives as the number 3; anything that is not a whole number differs.
    return Number.isSafeInteger(reported) && reported === recorded;
  }
  const match = /^(\d{1,15})(?:\.(\d{1,10}))?$/.exec(reported.trim());
  if (!match) return false;
  const [, whole = '', fraction = ''] = match;
  return /^0*$/.test(fraction) && BigInt(whole) === BigInt(recorded);
}
