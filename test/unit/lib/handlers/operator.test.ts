import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../../lib/errors';
import { operatorOf } from '../../../../lib/handlers/http';

const event = (requestContext: Record<string, unknown>) =>
  ({ requestContext }) as unknown as Pick<APIGatewayProxyEvent, 'requestContext'>;

describe('operatorOf: who is calling an operator route', () => {
  it('is the IAM principal API Gateway verified, even when an authorizer context names another', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';

    expect(operatorOf(event({ identity: { userArn: arn }, authorizer: { principalId: 'local' } }))).toBe(arn);
  });

  it("is the stand-in for IAM's principal under npm start, where no IAM ARN exists", () => {
    const offline = { identity: { userArn: 'offlineContext_userArn' }, authorizer: { principalId: 'local' } };

    expect(operatorOf(event(offline))).toBe('local');
  });

  it('refuses (403) a request that names nobody', () => {
    for (const context of [{}, { identity: { userArn: null } }, { authorizer: { principalId: '' } }]) {
      expect(() => operatorOf(event(context))).toThrow(ForbiddenError);
    }
  });
});
