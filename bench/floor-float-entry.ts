/*
 * float-monitor's floor, and paypro-breaker's: the AWS clients they construct at init (DynamoDB,
 * its document client, Secrets Manager for the Paypro secret, EventBridge for Float Low / Float
 * Restored and Paypro Unavailable / Paypro Restored) and nothing of the service. Exported so the
 * minifier cannot drop them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const secrets = new SecretsManagerClient({});
export const events = new EventBridgeClient({});
