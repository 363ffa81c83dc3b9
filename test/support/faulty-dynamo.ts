import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Which write to sabotage: the create, the `sentAt` claim, or the status transition. */
export type WriteStep = 'create' | 'claim' | 'transition';

/** What happens at the sabotaged write: an AWS error, or a crash (the call never returns). */
export type Fault = 'throttle' | 'conditional' | 'crash';

function stepOf(command: {
  constructor: { name: string };
  input: Record<string, unknown>;
}): WriteStep | undefined {
  if (command.constructor.name === 'PutCommand') return 'create';
  if (command.constructor.name !== 'UpdateCommand') return undefined;
  const update = String(command.input.UpdateExpression);
  if (update.startsWith('SET sentAt')) return 'claim';
  if (update.includes('#status = :to')) return 'transition';
  return undefined;
}

function awsError(fault: 'throttle' | 'conditional'): Error {
  const error = new Error(
    fault === 'throttle'
      ? 'Rate of requests exceeds the allowed throughput.'
      : 'The conditional request failed',
  );
  error.name =
    fault === 'throttle' ? 'ProvisionedThroughputExceededException' : 'ConditionalCheckFailedException';
  return error;
}

/**
 * A document client in front of the real (dynalite) one that fails the next `times` writes
 * of one step: with an AWS error, or by never answering, as if the Lambda had died there.
 */
export function faultyDynamo(real: DynamoDBDocumentClient, step: WriteStep, fault: Fault, times = 1) {
  let left = times;
  const client = {
    send(command: Parameters<DynamoDBDocumentClient['send']>[0]) {
      const target = stepOf(command as unknown as Parameters<typeof stepOf>[0]);
      if (target === step && left > 0) {
        left -= 1;
        if (fault === 'crash') return new Promise<never>(() => {});
        return Promise.reject(awsError(fault));
      }
      return real.send(command as never);
    },
  };
  return client as unknown as DynamoDBDocumentClient;
}
