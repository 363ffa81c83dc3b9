/*
 * deliver-webhooks' floor: the AWS clients it constructs at init (SQS, Secrets Manager) and
 * nothing of the service. Exported so the minifier cannot drop them.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';

export const sqs = new SQSClient({});
export const secrets = new SecretsManagerClient({});
