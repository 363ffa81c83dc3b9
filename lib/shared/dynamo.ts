import { StoreUnavailableError } from '../errors';

/** True when DynamoDB refused a write because its condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Runs one store call; any failure becomes StoreUnavailableError(`what`), except a refused
 * condition, which becomes `onCondition()`'s result when that is given.
 */
export async function storeCall<T, U = T>(
  what: string,
  call: () => Promise<T>,
  onCondition?: (error: unknown) => U,
): Promise<T | U> {
  try {
    return await call();
  } catch (error) {
    if (onCondition && isConditionFailure(error)) return onCondition(error);
    throw new StoreUnavailableError(what, { cause: error });
  }
}
