import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { observed } from './observed';

/**
 * A DynamoDB stream's handler: the shared logging and metrics around one use case call on the
 * batch's records; a throw fails the batch, which the event source retries (and bisects).
 */
export function streamHandler<TResult>(run: (records: DynamoDBRecord[]) => Promise<TResult>) {
  return observed<DynamoDBStreamEvent, TResult>().handler((event) => run(event.Records));
}
