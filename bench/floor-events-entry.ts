/*
 * publish-events' floor: the AWS clients it constructs at init (DynamoDB, its document client,
 * EventBridge) and nothing of the service. Exported so the minifier cannot drop them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const events = new EventBridgeClient({});
