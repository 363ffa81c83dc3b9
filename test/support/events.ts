import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** An API Gateway REST proxy event, as serverless-offline and API Gateway send it. */
export function apiEvent(options: {
  method?: string;
  path?: string;
  body?: unknown;
  rawBody?: string;
  pathParameters?: Record<string, string>;
  /** The route as API Gateway names it (`/payouts/{tradeNo}`); default the path. */
  resource?: string;
  queryStringParameters?: Record<string, string>;
}): APIGatewayProxyEvent {
  const body = options.rawBody ?? (options.body === undefined ? null : JSON.stringify(options.body));
  return {
    httpMethod: options.method ?? 'POST',
    path: options.path ?? '/payouts',
    resource: options.resource ?? options.path ?? '/payouts',
    body,
    isBase64Encoded: false,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: options.queryStringParameters ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}

/** A Lambda context good enough for the middleware. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:test',
    memoryLimitInMB: '256',
    awsRequestId: 'test-request',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Parses a handler reply's JSON body. */
export function bodyOf(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}
