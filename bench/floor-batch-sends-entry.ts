/*
 * send-batch-items' floor: the AWS clients it constructs at init (DynamoDB, its document client,
 * Secrets Manager for the payout call, and SQS, which holds an item while Paypro is unavailable by
 * sending it again with a delay) and nothing of the service. Exported so the minifier cannot drop them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const sqs = new SQSClient({});
export const secrets = new SecretsManagerClient({});
