/*
 * The floor bundle: the least any of the functions must load, the AWS clients it constructs
 * at init (DynamoDB, its document client, Secrets Manager) and nothing of the service.
 * Exported so the minifier cannot drop them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const secrets = new SecretsManagerClient({});
