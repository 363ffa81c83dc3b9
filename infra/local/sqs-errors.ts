import { AwsJsonError } from './aws-json';

/**
 * An error SQS reports: `shape` is the JSON error shape (`__type`, under `com.amazonaws.sqs#`),
 * `code` the query-protocol code the SDK maps to its named exceptions (sent in a header).
 */
export class SqsError extends AwsJsonError {
  constructor(
    readonly shape: string,
    message: string,
    readonly code: string = shape,
    status = 400,
    readonly senderFault = true,
  ) {
    super(`com.amazonaws.sqs#${shape}`, message, status, {
      'x-amzn-query-error': `${code};${senderFault ? 'Sender' : 'Receiver'}`,
    });
  }
}

/** InvalidParameterValue with `message`. */
export const invalidParameter = (message: string) => new SqsError('InvalidParameterValue', message);

/** MissingParameter for the parameter `name`. */
export const missingParameter = (name: string) =>
  new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);

/** QueueDoesNotExist, as SQS answers a queue URL or name it does not know. */
export const nonExistentQueue = () =>
  new SqsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue',
  );
