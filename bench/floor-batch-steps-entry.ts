/*
 * advance-batches' floor: the AWS clients it constructs at init (DynamoDB, its document client,
 * SQS, EventBridge, and Secrets Manager for the funds check's balance call) and nothing of the
 * service. Exported so the minifier cannot drop them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const sqs = new SQSClient({});
export const events = new EventBridgeClient({});
export const secrets = new SecretsManagerClient({});
