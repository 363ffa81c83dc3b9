/** Invokes a function of the local stack through serverless-offline's Lambda endpoint, as the AWS SDK would. */
export async function invokeLocal(
  lambdaPort: number,
  functionName: string,
  payload: unknown = {},
): Promise<unknown> {
  const response = await fetch(
    `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${functionName}/invocations`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    },
  );
  const text = await response.text();
  if (!response.ok || response.headers.get('x-amz-function-error')) {
    throw new Error(`${functionName} failed (HTTP ${response.status}): ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** The deployed name of one of this service's functions. */
export function functionName(stage: string, name: string): string {
  return `paypro-payouts-${stage}-${name}`;
}
