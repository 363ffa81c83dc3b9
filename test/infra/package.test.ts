import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_MAX_RECEIVES, WEBHOOK_RETRY_SCHEDULE_S } from '../../lib/webhooks/retry';
import { BATCH_LEASE_MS } from '../../lib/wiring/batches';

// biome-ignore lint/suspicious/noExplicitAny: a packaged CloudFormation template as parsed JSON; the tests assert its shape.
type Json = any;

type Resource = {
  Type: string;
  Properties: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
type Template = {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
};

const FUNCTIONS = [
  'create-payout',
  'get-payout',
  'paypro-callback',
  'reconcile',
  'publish-events',
  'sweep-outbox',
  'deliver-webhooks',
  'create-payout-batch',
  'get-payout-batch',
  'get-payout-batch-report',
  'send-batch-items',
  'get-openapi',
  'admin-list-payouts',
  'admin-resolve-payout',
  'admin-resend-payout',
  'admin-daily-report',
  'advance-batches',
  'wake-batches',
  'admin-get-payout',
  'admin-get-batch',
  'admin-batch-report',
  'admin-list-batches',
  'admin-approve-batch',
  'admin-cancel-batch',
  'admin-get-balance',
  'admin-get-receipt',
  'float-monitor',
  'paypro-breaker',
  'admin-get-paypro-status',
];
let dir: string;
let template: Template;

/** `serverless package` as an operator without AWS credentials or a Paypro URL would run it. */
function packageStage(stage: string, out: string): void {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // A shell left over from local runs must not shorten production's webhook retries.
    WEBHOOK_RETRY_SCALE: '0.01',
    HOME: out,
    SLS_ESBUILD_WORK_DIR: `.esbuild-infra-${stage}`,
  };
  const result = spawnSync(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'package', '--stage', stage, '--package', out],
    { env, encoding: 'utf8', timeout: 180_000 },
  );
  if (result.status !== 0) throw new Error(`serverless package failed:\n${result.stdout}\n${result.stderr}`);
}

function ofType(type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function functionsById(): Record<string, Resource> {
  return Object.fromEntries(ofType('AWS::Lambda::Function'));
}

function tableNamed(name: string): Resource | undefined {
  return ofType('AWS::DynamoDB::Table').find(([, t]) => t.Properties.TableName === name)?.[1];
}

function statementsOf(role: Resource): Array<{ Action: string | string[]; Resource: unknown }> {
  return role.Properties.Policies.flatMap((p: Json) => p.PolicyDocument.Statement);
}

/** The wildcards a statement grants: any action at all, or a DynamoDB, Secrets Manager or SQS action or resource with `*`. */
function wildcards(statement: { Action: string | string[]; Resource: unknown }): string[] {
  const all = actions(statement);
  const scoped = all.filter((a) => /^(dynamodb|secretsmanager|sqs):/.test(a));
  const found = [...(all.includes('*') ? ['*'] : []), ...scoped.filter((a) => a.includes('*'))];
  if (scoped.length > 0 && JSON.stringify(statement.Resource).includes('*')) {
    found.push(`resource ${JSON.stringify(statement.Resource)}`);
  }
  return found;
}

const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'payouts-package-'));
  packageStage('prod', dir);
  template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 200_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serverless package --stage prod (offline, no credentials)', () => {
  it('runs every function on nodejs22.x, arm64, traced, in a zip under 1 MB with source maps', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(FUNCTIONS.length);
    for (const [, fn] of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      // Pinned for production, whatever the deploying shell says.
      expect(fn.Properties.Environment.Variables.CALLBACK_VERIFY_BY_QUERY).toBe('true');
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
    for (const name of FUNCTIONS) {
      expect(statSync(join(dir, `${name}.zip`)).size).toBeLessThan(1024 * 1024);
    }
  });

  it('keeps the payouts table safe: on demand, PITR, SSE, deletion protection, retained, with the sharded due-payouts index', () => {
    const table = tableNamed('payouts-prod');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      TableName: 'payouts-prod',
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        {
          IndexName: 'due-payouts',
          KeySchema: [
            { AttributeName: 'openPk', KeyType: 'HASH' },
            { AttributeName: 'checkAfter', KeyType: 'RANGE' },
          ],
          // Only what the reconciler reads: status and history updates never write to the index.
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['createdAt'] },
        },
        // Payouts with unpublished events, for the outbox sweep; absent only in the first upgrade step.
        {
          'Fn::If': [
            'HasOutboxIndex',
            {
              IndexName: 'outbox-pending',
              KeySchema: [
                { AttributeName: 'outboxPk', KeyType: 'HASH' },
                { AttributeName: 'outboxSince', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
            { Ref: 'AWS::NoValue' },
          ],
        },
        // The pre-sharding index, kept only while a stage upgrades (docs/deploy-and-upgrade.md, "Upgrading a stage").
        {
          'Fn::If': [
            'KeepLegacyOpenIndex',
            expect.objectContaining({ IndexName: 'open-payouts' }),
            { Ref: 'AWS::NoValue' },
          ],
        },
        // Every payout by Kenya day of creation, for the operator's list and daily report. Only
        // what a list line or report row shows: updates of updatedAt or history never write to it.
        {
          'Fn::If': [
            'HasDayIndex',
            {
              IndexName: 'payouts-by-day',
              KeySchema: [
                { AttributeName: 'dayPk', KeyType: 'HASH' },
                { AttributeName: 'daySk', KeyType: 'RANGE' },
              ],
              Projection: {
                ProjectionType: 'INCLUDE',
                NonKeyAttributes: [
                  'status',
                  'amount',
                  'mobile',
                  'paypro',
                  'flaggedAt',
                  'batchId',
                  'createdAt',
                ],
              },
            },
            { Ref: 'AWS::NoValue' },
          ],
        },
      ],
      // The publisher's stream: its filter reads outboxPk from the new image.
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    // tableUpgrade defaults to none: the final layout, no legacy index, the outbox index.
    expect(template.Conditions?.KeepLegacyOpenIndex).toEqual({
      'Fn::Or': [{ 'Fn::Equals': ['none', 'add-due-index'] }, { 'Fn::Equals': ['none', 'add-outbox-index'] }],
    });
    expect(template.Conditions?.HasOutboxIndex).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['none', 'add-due-index'] }],
    });
    // The day index exists from the last upgrade step on: at tableUpgrade none, in prod.
    expect(template.Conditions?.HasDayIndex).toEqual({
      'Fn::Not': [
        {
          'Fn::Or': [
            { 'Fn::Equals': ['none', 'add-due-index'] },
            { 'Fn::Equals': ['none', 'add-outbox-index'] },
            { 'Fn::Equals': ['none', 'drop-legacy-index'] },
          ],
        },
      ],
    });
    expect(table?.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('keeps the payout batches table as safe: batchId + sk, on demand, PITR, SSE, deletion protection, retained, its status index', () => {
    // Payouts, batches and the caps' counters.
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(3);
    const table = tableNamed('payout-batches-prod');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.UpdateReplacePolicy).toBe('Retain');
    expect(table?.Properties).toEqual({
      TableName: 'payout-batches-prod',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'batchId', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'listSk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'batchId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      // Headers only (rows of lines carry no status): the operator's list and the wake-up.
      GlobalSecondaryIndexes: [
        {
          IndexName: 'batches-by-status',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'listSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
    // Every function is told where it is (the lead's config reads PAYOUT_BATCHES_TABLE).
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables.PAYOUT_BATCHES_TABLE).toBe('payout-batches-prod');
    }
  });

  it('requires the API key on /payouts and /payout-batches routes and not on the callback route or /openapi.json', () => {
    const methods = Object.fromEntries(ofType('AWS::ApiGateway::Method'));
    expect(
      Object.fromEntries(Object.entries(methods).map(([id, m]) => [id, m.Properties.ApiKeyRequired])),
    ).toEqual({
      ApiGatewayMethodPayoutsPost: true,
      ApiGatewayMethodPayoutsTradenoVarGet: true,
      ApiGatewayMethodCallbacksPayproTradenoVarTokenVarPost: false,
      ApiGatewayMethodPayoutDashbatchesPost: true,
      ApiGatewayMethodPayoutDashbatchesBatchidVarGet: true,
      ApiGatewayMethodPayoutDashbatchesBatchidVarReportcsvGet: true,
      // The API document is public, like the callback.
      ApiGatewayMethodOpenapijsonGet: false,
      // The operator API: IAM, never the apps' key (see below).
      ApiGatewayMethodAdminPayoutsGet: false,
      ApiGatewayMethodAdminPayoutsTradenoVarGet: false,
      ApiGatewayMethodAdminPayoutsTradenoVarResolvePost: false,
      ApiGatewayMethodAdminPayoutsTradenoVarResendPost: false,
      ApiGatewayMethodAdminReportsDailycsvGet: false,
      ApiGatewayMethodAdminPayoutDashbatchesGet: false,
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarGet: false,
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarReportcsvGet: false,
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarApprovePost: false,
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarCancelPost: false,
      ApiGatewayMethodAdminBalanceGet: false,
      ApiGatewayMethodAdminMpesaDashreceiptsCodeVarGet: false,
      ApiGatewayMethodAdminPayproDashstatusGet: false,
    });
    const target = (id: string) => JSON.stringify(methods[id]?.Properties.Integration.Uri);
    expect(target('ApiGatewayMethodPayoutDashbatchesPost')).toContain(
      'CreateDashpayoutDashbatchLambdaFunction',
    );
    for (const [id, fn] of [
      ['ApiGatewayMethodPayoutDashbatchesBatchidVarGet', 'GetDashpayoutDashbatchLambdaFunction'],
      [
        'ApiGatewayMethodPayoutDashbatchesBatchidVarReportcsvGet',
        'GetDashpayoutDashbatchDashreportLambdaFunction',
      ],
    ] as const) {
      expect(target(id)).toContain(fn);
      expect(methods[id]?.Properties.HttpMethod).toBe('GET');
    }
    const paths = ofType('AWS::ApiGateway::Resource').map(([, r]) => r.Properties.PathPart);
    expect(paths).toEqual(expect.arrayContaining(['payout-batches', '{batchId}', 'report.csv']));
    const [[, key] = []] = ofType('AWS::ApiGateway::ApiKey');
    // Generated by API Gateway: no key value is written into the template.
    expect(key?.Properties.Value).toBeUndefined();
  });

  it('authenticates the operator API with IAM (SigV4) and never with the API key', () => {
    // Prepare
    const methods = Object.fromEntries(ofType('AWS::ApiGateway::Method'));
    const admin = {
      ApiGatewayMethodAdminPayoutsGet: ['GET', 'AdminDashlistDashpayoutsLambdaFunction'],
      ApiGatewayMethodAdminPayoutsTradenoVarResolvePost: ['POST', 'AdminDashresolveDashpayoutLambdaFunction'],
      ApiGatewayMethodAdminPayoutsTradenoVarResendPost: ['POST', 'AdminDashresendDashpayoutLambdaFunction'],
      ApiGatewayMethodAdminReportsDailycsvGet: ['GET', 'AdminDashdailyDashreportLambdaFunction'],
      ApiGatewayMethodAdminPayoutsTradenoVarGet: ['GET', 'AdminDashgetDashpayoutLambdaFunction'],
      ApiGatewayMethodAdminPayoutDashbatchesGet: ['GET', 'AdminDashlistDashbatchesLambdaFunction'],
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarGet: ['GET', 'AdminDashgetDashbatchLambdaFunction'],
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarReportcsvGet: [
        'GET',
        'AdminDashbatchDashreportLambdaFunction',
      ],
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarApprovePost: [
        'POST',
        'AdminDashapproveDashbatchLambdaFunction',
      ],
      ApiGatewayMethodAdminPayoutDashbatchesBatchidVarCancelPost: [
        'POST',
        'AdminDashcancelDashbatchLambdaFunction',
      ],
      ApiGatewayMethodAdminBalanceGet: ['GET', 'AdminDashgetDashbalanceLambdaFunction'],
      ApiGatewayMethodAdminMpesaDashreceiptsCodeVarGet: ['GET', 'AdminDashgetDashreceiptLambdaFunction'],
      ApiGatewayMethodAdminPayproDashstatusGet: ['GET', 'AdminDashgetDashpayproDashstatusLambdaFunction'],
    };
    // Act
    const auth = Object.fromEntries(
      Object.entries(methods).map(([id, m]) => [
        id,
        [m.Properties.AuthorizationType, m.Properties.ApiKeyRequired],
      ]),
    );
    // Assess
    for (const [id, [method, fn]] of Object.entries(admin)) {
      expect(auth[id], id).toEqual(['AWS_IAM', false]);
      expect(methods[id]?.Properties.HttpMethod).toBe(method);
      expect(JSON.stringify(methods[id]?.Properties.Integration.Uri)).toContain(fn);
    }
    // Nothing else is IAM-only in prod (appAuthorizer: none): the apps keep their API key.
    for (const [id, [type]] of Object.entries(auth)) {
      if (!(id in admin)) expect(type, id).toBe('NONE');
    }
    const paths = ofType('AWS::ApiGateway::Resource').map(([, r]) => r.Properties.PathPart);
    expect(paths).toEqual(expect.arrayContaining(['admin', 'resolve', 'resend', 'reports', 'daily.csv']));
  });

  it('throttles apps with a usage plan: rate, burst and a daily quota', () => {
    const [[, plan] = []] = ofType('AWS::ApiGateway::UsagePlan');
    expect(plan?.Properties).toMatchObject({
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 50000, Period: 'DAY' },
    });
    expect(ofType('AWS::ApiGateway::UsagePlanKey')).toHaveLength(1);
  });

  it('gives each function its own role with no wildcard for DynamoDB, SQS or Secrets Manager', () => {
    const roles = Object.fromEntries(ofType('AWS::IAM::Role'));
    const used = ofType('AWS::Lambda::Function').map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0]);
    expect(new Set(used).size).toBe(FUNCTIONS.length);
    expect(used.flatMap((id) => statementsOf(roles[id] as Resource).flatMap(wildcards))).toEqual([]);
    // Grants on the caps' counters are checked apart ('daily caps in the packaged prod template').
    const notCounters = (st: { Resource: unknown }) =>
      !JSON.stringify(st.Resource).includes('PayoutLimitsTable');
    const dataActions = (id: string) =>
      statementsOf(roles[id] as Resource)
        .filter(notCounters)
        .flatMap(actions)
        .filter((a) => /^(dynamodb|secretsmanager):/.test(a))
        .sort();
    expect(dataActions('GetPayoutRole')).toEqual(['dynamodb:GetItem']);
    expect(dataActions('PayproCallbackRole')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
    ]);
    expect(dataActions('CreatePayoutRole')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
    ]);
    expect(dataActions('ReconcileRole')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
    ]);
    expect(dataActions('PublishEventsRole')).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:UpdateItem',
    ]);
    expect(dataActions('DeliverWebhooksRole')).toEqual(['secretsmanager:GetSecretValue']);
    // Bulk payouts: each data action on exactly the resource it is meant for.
    const grants = (id: string) =>
      statementsOf(roles[id] as Resource)
        .filter(notCounters)
        .flatMap((st) =>
          actions(st)
            .filter((a) => /^(dynamodb|secretsmanager|sqs):/.test(a))
            .map((a) => `${a} ${JSON.stringify(st.Resource)}`),
        )
        .sort();
    const PAYOUTS = JSON.stringify({ 'Fn::GetAtt': ['PayoutsTable', 'Arn'] });
    const BATCHES = JSON.stringify({ 'Fn::GetAtt': ['PayoutBatchesTable', 'Arn'] });
    const BATCH_SENDS = JSON.stringify({ 'Fn::GetAtt': ['BatchSendsQueue', 'Arn'] });
    const BATCH_STEPS = JSON.stringify({ 'Fn::GetAtt': ['BatchStepsQueue', 'Arn'] });
    const STATUS_INDEX = JSON.stringify({
      'Fn::Join': ['', [{ 'Fn::GetAtt': ['PayoutBatchesTable', 'Arn'] }, '/index/batches-by-status']],
    });
    const SECRET = JSON.stringify({ Ref: 'PayproSecret' });
    const DUE_INDEX = JSON.stringify({
      'Fn::Join': ['', [{ 'Fn::GetAtt': ['PayoutsTable', 'Arn'] }, '/index/due-payouts']],
    });
    // The intake never touches the payouts table: it stores the batch and asks for its first step.
    expect(grants('CreatePayoutBatchRole')).toEqual(
      [
        `dynamodb:BatchWriteItem ${BATCHES}`,
        `dynamodb:GetItem ${BATCHES}`,
        `dynamodb:PutItem ${BATCHES}`,
        `dynamodb:UpdateItem ${BATCHES}`,
        `sqs:SendMessage ${BATCH_STEPS}`,
      ].sort(),
    );
    expect(grants('AdvanceBatchesRole')).toEqual(
      [
        `dynamodb:BatchGetItem ${PAYOUTS}`,
        `dynamodb:GetItem ${PAYOUTS}`,
        `dynamodb:PutItem ${PAYOUTS}`,
        `dynamodb:UpdateItem ${PAYOUTS}`,
        // The funds check: the open payouts' index (money in flight) and Paypro's balance.
        `dynamodb:Query ${DUE_INDEX}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
        `dynamodb:GetItem ${BATCHES}`,
        `dynamodb:Query ${BATCHES}`,
        `dynamodb:UpdateItem ${BATCHES}`,
        `sqs:DeleteMessage ${BATCH_STEPS}`,
        `sqs:GetQueueAttributes ${BATCH_STEPS}`,
        `sqs:ReceiveMessage ${BATCH_STEPS}`,
        `sqs:SendMessage ${BATCH_STEPS}`,
        `sqs:SendMessage ${BATCH_SENDS}`,
      ].sort(),
    );
    expect(grants('WakeBatchesRole')).toEqual(
      [`dynamodb:Query ${STATUS_INDEX}`, `sqs:SendMessage ${BATCH_STEPS}`].sort(),
    );
    expect(grants('AdminListBatchesRole')).toEqual([`dynamodb:Query ${STATUS_INDEX}`]);
    for (const role of ['AdminApproveBatchRole', 'AdminCancelBatchRole']) {
      expect(grants(role)).toEqual(
        [
          `dynamodb:GetItem ${BATCHES}`,
          `dynamodb:UpdateItem ${BATCHES}`,
          `sqs:SendMessage ${BATCH_STEPS}`,
        ].sort(),
      );
    }
    expect(grants('AdminGetPayoutRole')).toEqual([`dynamodb:GetItem ${PAYOUTS}`]);
    for (const role of ['AdminGetBatchRole', 'AdminBatchReportRole']) {
      expect(grants(role)).toEqual(
        [
          `dynamodb:BatchGetItem ${PAYOUTS}`,
          `dynamodb:GetItem ${BATCHES}`,
          `dynamodb:Query ${BATCHES}`,
        ].sort(),
      );
    }
    // The operator API: list and report query the day index only; resolve reads and writes
    // one payout and reads the Paypro secret (its counters grant is checked with the caps).
    const DAY_INDEX = JSON.stringify({
      'Fn::Join': ['', [{ 'Fn::GetAtt': ['PayoutsTable', 'Arn'] }, '/index/payouts-by-day']],
    });
    for (const role of ['AdminListPayoutsRole', 'AdminDailyReportRole']) {
      expect(grants(role)).toEqual([`dynamodb:Query ${DAY_INDEX}`]);
    }
    expect(grants('AdminResolvePayoutRole')).toEqual(
      [
        `dynamodb:GetItem ${PAYOUTS}`,
        `dynamodb:UpdateItem ${PAYOUTS}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
      ].sort(),
    );
    // The operator's resend reads and writes one payout, and signs its query and its send with the
    // secret (its grants on the limits table, where the breaker lives, are checked with the caps).
    expect(grants('AdminResendPayoutRole')).toEqual(
      [
        `dynamodb:GetItem ${PAYOUTS}`,
        `dynamodb:UpdateItem ${PAYOUTS}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
      ].sort(),
    );
    // Balance and receipts only read: Paypro through the secret, the stores through their indexes.
    expect(grants('AdminGetBalanceRole')).toEqual(
      [
        `dynamodb:BatchGetItem ${PAYOUTS}`,
        `dynamodb:Query ${DUE_INDEX}`,
        `dynamodb:Query ${STATUS_INDEX}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
      ].sort(),
    );
    // The float monitor reads what the balance route reads (its state item is with the counters, below) and publishes its events.
    expect(grants('FloatMonitorRole')).toEqual(
      [
        `dynamodb:BatchGetItem ${PAYOUTS}`,
        `dynamodb:Query ${DUE_INDEX}`,
        `dynamodb:Query ${STATUS_INDEX}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
      ].sort(),
    );
    const floatEvents = statementsOf(roles.FloatMonitorRole as Resource).find((st) =>
      actions(st).includes('events:PutEvents'),
    );
    expect(floatEvents?.Resource).toEqual({ 'Fn::GetAtt': ['PayoutsEventBus', 'Arn'] });
    // The breaker's prober reads the work held (the open payouts and their states) and asks Paypro's
    // payout query (its item is with the counters, below); it publishes Paypro Unavailable / Restored.
    expect(grants('PayproBreakerRole')).toEqual(
      [
        `dynamodb:BatchGetItem ${PAYOUTS}`,
        `dynamodb:Query ${DUE_INDEX}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
      ].sort(),
    );
    const breakerEvents = statementsOf(roles.PayproBreakerRole as Resource).find((st) =>
      actions(st).includes('events:PutEvents'),
    );
    expect(breakerEvents?.Resource).toEqual({ 'Fn::GetAtt': ['PayoutsEventBus', 'Arn'] });
    // Paypro's availability: the work held only (the breaker's item is with the counters, below); no Paypro call.
    expect(grants('AdminGetPayproStatusRole')).toEqual(
      [`dynamodb:BatchGetItem ${PAYOUTS}`, `dynamodb:Query ${DUE_INDEX}`].sort(),
    );
    expect(grants('AdminGetReceiptRole')).toEqual(
      [
        `dynamodb:GetItem ${PAYOUTS}`,
        `dynamodb:Query ${DAY_INDEX}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
      ].sort(),
    );
    // get-openapi serves the document bundled into it: no data action at all.
    expect(grants('GetOpenapiRole')).toEqual([]);
    expect(grants('GetPayoutBatchRole')).toEqual(
      [`dynamodb:BatchGetItem ${PAYOUTS}`, `dynamodb:GetItem ${BATCHES}`, `dynamodb:Query ${BATCHES}`].sort(),
    );
    expect(grants('SendBatchItemsRole')).toEqual(
      [
        `dynamodb:GetItem ${PAYOUTS}`,
        `dynamodb:UpdateItem ${PAYOUTS}`,
        `secretsmanager:GetSecretValue ${SECRET}`,
        // What Lambda's event source mapping needs from the function's role to poll the queue.
        `sqs:DeleteMessage ${BATCH_SENDS}`,
        `sqs:GetQueueAttributes ${BATCH_SENDS}`,
        `sqs:ReceiveMessage ${BATCH_SENDS}`,
        // An item the Paypro breaker holds is sent again to its own queue, delayed.
        `sqs:SendMessage ${BATCH_SENDS}`,
      ].sort(),
    );
    // Logs to its own log group only, like every role.
    for (const [role, logGroup] of [
      ['CreatePayoutBatchRole', 'CreateDashpayoutDashbatchLogGroup'],
      ['GetPayoutBatchRole', 'GetDashpayoutDashbatchLogGroup'],
      ['GetPayoutBatchReportRole', 'GetDashpayoutDashbatchDashreportLogGroup'],
      ['SweepOutboxRole', 'SweepDashoutboxLogGroup'],
      ['SendBatchItemsRole', 'SendDashbatchDashitemsLogGroup'],
      ['GetOpenapiRole', 'GetDashopenapiLogGroup'],
      ['AdminListPayoutsRole', 'AdminDashlistDashpayoutsLogGroup'],
      ['AdminResolvePayoutRole', 'AdminDashresolveDashpayoutLogGroup'],
      ['AdminResendPayoutRole', 'AdminDashresendDashpayoutLogGroup'],
      ['AdminDailyReportRole', 'AdminDashdailyDashreportLogGroup'],
      ['AdvanceBatchesRole', 'AdvanceDashbatchesLogGroup'],
      ['WakeBatchesRole', 'WakeDashbatchesLogGroup'],
      ['AdminGetPayoutRole', 'AdminDashgetDashpayoutLogGroup'],
      ['AdminGetBatchRole', 'AdminDashgetDashbatchLogGroup'],
      ['AdminBatchReportRole', 'AdminDashbatchDashreportLogGroup'],
      ['AdminListBatchesRole', 'AdminDashlistDashbatchesLogGroup'],
      ['AdminApproveBatchRole', 'AdminDashapproveDashbatchLogGroup'],
      ['AdminCancelBatchRole', 'AdminDashcancelDashbatchLogGroup'],
      ['AdminGetBalanceRole', 'AdminDashgetDashbalanceLogGroup'],
      ['AdminGetReceiptRole', 'AdminDashgetDashreceiptLogGroup'],
      ['FloatMonitorRole', 'FloatDashmonitorLogGroup'],
      ['PayproBreakerRole', 'PayproDashbreakerLogGroup'],
      ['AdminGetPayproStatusRole', 'AdminDashgetDashpayproDashstatusLogGroup'],
    ] as const) {
      const logs = statementsOf(roles[role] as Resource).find((st) =>
        actions(st).includes('logs:PutLogEvents'),
      );
      expect(logs?.Resource).toEqual({ 'Fn::GetAtt': [logGroup, 'Arn'] });
    }
    const putEvents = statementsOf(roles.PublishEventsRole as Resource).find((st) =>
      actions(st).includes('events:PutEvents'),
    );
    expect(putEvents?.Resource).toEqual({ 'Fn::GetAtt': ['PayoutsEventBus', 'Arn'] });
    const batchEvents = statementsOf(roles.AdvanceBatchesRole as Resource).find((st) =>
      actions(st).includes('events:PutEvents'),
    );
    expect(batchEvents?.Resource).toEqual({ 'Fn::GetAtt': ['PayoutsEventBus', 'Arn'] });
    const webhookSecret = statementsOf(roles.DeliverWebhooksRole as Resource).find((st) =>
      actions(st).includes('secretsmanager:GetSecretValue'),
    );
    expect(webhookSecret?.Resource).toEqual({ Ref: 'WebhooksSecret' });
    const query = statementsOf(roles.ReconcileRole as Resource).find((st) =>
      actions(st).includes('dynamodb:Query'),
    );
    expect(JSON.stringify(query?.Resource)).toContain('/index/due-payouts');
  });

  it('has alarms for errors, throttles, anomalies, payouts open over 24 h and reconcile failures, all to the topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    // The functions an alarm watches on one Lambda metric, alone or summed with others (metric math).
    const watching = (metricName: string) =>
      alarms.flatMap((a) =>
        a.MetricName === metricName
          ? [a.Dimensions[0].Value as string]
          : ((a.Metrics ?? []) as Array<Record<string, Json>>)
              .filter((m) => m.MetricStat?.Metric.MetricName === metricName)
              .map((m) => m.MetricStat.Metric.Dimensions[0].Value as string),
      );
    expect(watching('Errors').sort()).toEqual(FUNCTIONS.map((f) => `paypro-payouts-prod-${f}`).sort());
    for (const metric of ['PayoutAnomaly', 'PayoutOpenOver24h', 'PayoutFlaggedUnknown', 'ReconcileFailure']) {
      expect(byMetric(metric)).toEqual([
        expect.objectContaining({
          Namespace: 'PayproPayouts',
          Dimensions: [{ Name: 'service', Value: 'paypro-payouts-prod' }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ]);
    }
    // Handled errors end in a reply, not a Lambda error: the API's 5xx count sees them.
    expect(byMetric('5XXError')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        Dimensions: [
          { Name: 'ApiName', Value: 'paypro-payouts-prod' },
          { Name: 'Stage', Value: 'prod' },
        ],
      }),
    ]);
    const [[, api] = []] = ofType('AWS::ApiGateway::RestApi');
    expect(api?.Properties.Name).toBe('paypro-payouts-prod');
    const [[, topic] = []] = ofType('AWS::SNS::Topic');
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    expect(topic?.Properties.KmsMasterKeyId).toBeUndefined();
    // The backlog: the most overdue open payout past 15 min, or no reconcile run at all.
    expect(byMetric('ReconcileOldestDueSeconds')).toEqual([
      expect.objectContaining({
        Statistic: 'Maximum',
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      }),
    ]);
    // Every metric-math alarm sums all it reads, and reads at most the 10 metrics CloudWatch allows.
    for (const alarm of alarms.filter((a) => a.Metrics)) {
      const metrics = alarm.Metrics as Array<Record<string, Json>>;
      const watched = metrics.filter((m) => m.MetricStat);
      expect(watched.length).toBeLessThanOrEqual(10);
      const [total] = metrics.filter((m) => m.ReturnData);
      expect(total?.Expression.split(/\s*\+\s*/).sort()).toEqual(watched.map((m) => m.Id).sort());
    }
    // Every function the template has, whatever FUNCTIONS above lists: its throttles, once.
    const deployed = ofType('AWS::Lambda::Function').map(([, fn]) => fn.Properties.FunctionName);
    expect(watching('Throttles').sort()).toEqual(deployed.sort());
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('runs the breaker’s prober within a minute, alarms while Paypro is unavailable, and gives every function the breaker’s settings', () => {
    // Prepare
    const fns = functionsById();
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

    // Act
    const prober = fns.PayproDashbreakerLambdaFunction;
    const unavailable = alarms.filter((a) => a.MetricName === 'PayproBreakerOpen');

    // Assess: a run ends before the next minute's starts.
    expect(prober?.Properties.Timeout).toBeLessThanOrEqual(60);
    expect(unavailable).toEqual([
      expect.objectContaining({
        AlarmName: 'paypro-payouts-prod-paypro-unavailable',
        Namespace: 'PayproPayouts',
        Dimensions: [{ Name: 'service', Value: 'paypro-payouts-prod' }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        OKActions: [{ Ref: 'AlarmTopic' }],
      }),
    ]);
    for (const [id, fn] of Object.entries(fns)) {
      expect(fn.Properties.Environment.Variables, id).toMatchObject({
        PAYPRO_BREAKER_FAILURES: '5',
        PAYPRO_BREAKER_WINDOW_S: '30',
        PAYPRO_PROBE_S: '15',
        PAYPRO_RAMP_S: '60',
        PAYPRO_BREAKER_CACHE_MS: '1000',
      });
    }
  });

  it('holds every table to the payouts table’s safety: PITR, SSE, deletion protection, retained on delete and replace', () => {
    // Prepare
    const tables = ofType('AWS::DynamoDB::Table');

    // Act
    const unsafe = tables
      .filter(
        ([, table]) =>
          table.DeletionPolicy !== 'Retain' ||
          table.UpdateReplacePolicy !== 'Retain' ||
          table.Properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true ||
          table.Properties.SSESpecification?.SSEEnabled !== true ||
          table.Properties.DeletionProtectionEnabled !== true,
      )
      .map(([, table]) => table.Properties.TableName);

    // Assess: a restored or corrupted counters table would loosen the caps, so it is no exception.
    expect(tables.map(([, table]) => table.Properties.TableName).sort()).toEqual([
      'payout-batches-prod',
      'payout-limits-prod',
      'payouts-prod',
    ]);
    expect(unsafe).toEqual([]);
  });

  it('runs the reconciler on a schedule, with bounded concurrency and a batch sized to drain a backlog', () => {
    const reconcileFn = Object.fromEntries(ofType('AWS::Lambda::Function')).ReconcileLambdaFunction;
    expect(reconcileFn?.Properties.Timeout).toBe(100);
    expect(reconcileFn?.Properties.Environment.Variables).toMatchObject({
      RECONCILE_CONCURRENCY: '8',
      RECONCILE_BATCH_SIZE: '5000',
    });
    const rules = ofType('AWS::Events::Rule')
      .map(([, r]) => r.Properties)
      .filter((r) => JSON.stringify(r.Targets).includes('ReconcileLambdaFunction'));
    expect(rules).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] } })],
      }),
    ]);
  });

  it('points notifyUrl at the stage API and makes a missing Paypro URL fail the deploy', () => {
    const env = ofType('AWS::Lambda::Function')[0]?.[1].Properties.Environment.Variables;
    expect(env.PUBLIC_BASE_URL).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: 'ApiGatewayRestApi' },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.amazonaws.com/prod',
        ],
      ],
    });
    expect(env.PAYPRO_BASE_URL).toEqual({ Ref: 'PayproBaseUrl' });
    const pattern = new RegExp(template.Parameters?.PayproBaseUrl.AllowedPattern);
    expect(pattern.test('')).toBe(false);
    expect(pattern.test('https://sandbox.paypro.example/ke-pay')).toBe(true);
  });

  it('creates the stage secret with a generated callbackKey, retained, and leaks no local key or secret', () => {
    const [[, secret] = []] = ofType('AWS::SecretsManager::Secret');
    expect(secret?.DeletionPolicy).toBe('Retain');
    expect(secret?.Properties).toMatchObject({
      Name: 'paypro/prod',
      GenerateSecretString: { GenerateStringKey: 'callbackKey', PasswordLength: 48 },
    });
    const text = JSON.stringify(template);
    expect(text).not.toContain('local-dev');
    expect(text).not.toMatch(/"appSecret":"[^"]/);
  });

  it('publishes events from the outbox on the table stream and a 1-minute sweep, to the stage bus', () => {
    const [[, bus] = []] = ofType('AWS::Events::EventBus');
    expect(bus?.Properties.Name).toBe('payouts-prod');
    const mappings = Object.fromEntries(ofType('AWS::Lambda::EventSourceMapping'));
    const stream = Object.values(mappings).find((m) => JSON.stringify(m.Properties).includes('StreamArn'));
    expect(stream?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['PayoutsTable', 'StreamArn'] },
      FunctionName: { 'Fn::GetAtt': ['PublishDasheventsLambdaFunction', 'Arn'] },
      BisectBatchOnFunctionError: true,
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { NewImage: { outboxPk: { S: [{ exists: true }] } } } }) },
        ],
      },
    });
    const publish = Object.fromEntries(ofType('AWS::Lambda::Function')).PublishDasheventsLambdaFunction;
    expect(publish?.Properties.Environment.Variables).toMatchObject({
      EVENT_BUS_NAME: 'payouts-prod',
      OUTBOX_SWEEP_MIN_AGE_S: '60',
    });
    const schedules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
    // The outbox sweep, wake-batches, the float monitor, the breaker's prober and the reconciler
    // every minute.
    expect(schedules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(
      Array.from({ length: 5 }, () => 'rate(1 minute)'),
    );
    const prober = schedules.find(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('PayproDashbreakerLambdaFunction'),
    );
    expect(prober?.[1].Properties.ScheduleExpression).toBe('rate(1 minute)');
  });

  it('delivers webhooks from a queue fed by a rule on the bus, retrying for a day, then a DLQ with an alarm', () => {
    const resources = template.Resources;
    expect(resources.WebhooksRule?.Properties).toMatchObject({
      EventBusName: { Ref: 'PayoutsEventBus' },
      EventPattern: { source: ['paypro-payouts'] },
      Targets: [{ Id: 'webhooks-queue', Arn: { 'Fn::GetAtt': ['WebhooksQueue', 'Arn'] } }],
    });
    expect(resources.WebhooksQueue?.Properties).toMatchObject({
      VisibilityTimeout: 180,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['WebhooksDeadLetterQueue', 'Arn'] },
        maxReceiveCount: WEBHOOK_MAX_RECEIVES,
      },
    });
    // Kept longer than the whole retry schedule.
    const schedule = WEBHOOK_RETRY_SCHEDULE_S.reduce((a, b) => a + b, 0);
    expect(schedule).toBeGreaterThanOrEqual(24 * 3600);
    expect(resources.WebhooksQueue?.Properties.MessageRetentionPeriod).toBeGreaterThan(schedule);
    expect(JSON.stringify(resources.WebhooksQueuePolicy?.Properties)).toContain('events.amazonaws.com');
    const deliver = Object.fromEntries(ofType('AWS::Lambda::Function')).DeliverDashwebhooksLambdaFunction;
    expect(deliver?.Properties.Environment.Variables).toMatchObject({
      WEBHOOKS_QUEUE_URL: { Ref: 'WebhooksQueue' },
      WEBHOOKS_DLQ_URL: { Ref: 'WebhooksDeadLetterQueue' },
      WEBHOOKS_SECRET_ID: 'paypro-webhooks/prod',
      // Pinned for production, whatever the deploying shell says.
      WEBHOOK_RETRY_SCALE: '1',
    });
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('WebhooksQueue'),
    )?.[1];
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['WebhooksQueue', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(
      alarms.find((a) => JSON.stringify(a.Dimensions ?? []).includes('paypro-payouts-prod-webhooks-dlq')),
    ).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'paypro-payouts-prod-webhooks-dlq' }],
      Threshold: 0,
    });
    // The endpoints and their signing secrets live in Secrets Manager, never in the template.
    expect(resources.WebhooksSecret?.Properties.SecretString).toBe('{"endpoints":[]}');
    expect(JSON.stringify(template)).not.toContain('whsec_');
  });

  it('advances batches from the batch-steps queue, one leased run per batch, woken every minute, with a DLQ and its alarm', () => {
    // Prepare
    const resources = template.Resources;
    const fns = functionsById();
    const advance = fns.AdvanceDashbatchesLambdaFunction;
    // Act
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('BatchStepsQueue'),
    )?.[1];
    const wake = ofType('AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('WakeDashbatchesLambdaFunction'),
    )?.[1];
    // Assess: a batch's lease outlives the run that holds it.
    expect(advance?.Properties.Timeout * 1000).toBeLessThan(BATCH_LEASE_MS);
    expect(fns.CreateDashpayoutDashbatchLambdaFunction?.Properties.Timeout).toBe(10);
    expect(resources.BatchStepsQueue?.Properties).toEqual({
      QueueName: 'paypro-payouts-prod-batch-steps',
      VisibilityTimeout: 6 * advance?.Properties.Timeout,
      MessageRetentionPeriod: 345600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['BatchStepsDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(mapping?.Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['AdvanceDashbatchesLambdaFunction', 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(wake?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    for (const id of [
      'CreateDashpayoutDashbatchLambdaFunction',
      'AdvanceDashbatchesLambdaFunction',
      'WakeDashbatchesLambdaFunction',
      'AdminDashapproveDashbatchLambdaFunction',
      'AdminDashcancelDashbatchLambdaFunction',
    ]) {
      expect(fns[id]?.Properties.Environment.Variables.BATCH_STEPS_QUEUE_URL, id).toEqual({
        Ref: 'BatchStepsQueue',
      });
    }
    // Maker-checker is pinned for prod: a payroll above 500,000 KES waits for an operator.
    expect(advance?.Properties.Environment.Variables.BATCH_APPROVAL_ABOVE_AMOUNT).toBe('500000');
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(
      alarms.filter((a) =>
        JSON.stringify(a.Dimensions ?? []).includes('paypro-payouts-prod-batch-steps-dlq'),
      ),
    ).toEqual([expect.objectContaining({ Namespace: 'AWS/SQS', Threshold: 0 })]);
  });

  it('sends bulk payouts from the batch-sends queue, at most 2 at a time, with a DLQ and its alarm', () => {
    const resources = template.Resources;
    const fns = functionsById();
    const create = fns.CreateDashpayoutDashbatchLambdaFunction;
    const get = fns.GetDashpayoutDashbatchLambdaFunction;
    const send = fns.SendDashbatchDashitemsLambdaFunction;
    // A handful of writes whatever the size, with a full vCPU to validate 10,000 items.
    expect(create?.Properties).toMatchObject({ Timeout: 10, MemorySize: 1769 });
    expect(
      fns.AdvanceDashbatchesLambdaFunction?.Properties.Environment.Variables.BATCH_SENDS_QUEUE_URL,
    ).toEqual({
      Ref: 'BatchSendsQueue',
    });
    expect(get?.Properties.MemorySize).toBe(512);
    expect(send?.Properties.Timeout).toBe(60);
    for (const fn of [create, get]) {
      expect(fn?.Properties.Environment.Variables.BATCH_SENDS_QUEUE_URL).toBeUndefined();
    }
    // send-batch-items holds an item by sending it again to its own queue.
    expect(send?.Properties.Environment.Variables.BATCH_SENDS_QUEUE_URL).toEqual({ Ref: 'BatchSendsQueue' });
    expect(resources.BatchSendsQueue?.Properties).toEqual({
      QueueName: 'paypro-payouts-prod-batch-sends',
      // Six times send-batch-items' timeout, as Lambda advises for an SQS event source.
      VisibilityTimeout: 6 * send?.Properties.Timeout,
      MessageRetentionPeriod: 345600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['BatchSendsDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(resources.BatchSendsDeadLetterQueue?.Properties).toEqual({
      QueueName: 'paypro-payouts-prod-batch-sends-dlq',
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    // A dead letter keeps its first enqueue time: the DLQ must keep messages longer than the queue.
    expect(resources.BatchSendsDeadLetterQueue?.Properties.MessageRetentionPeriod).toBeGreaterThan(
      resources.BatchSendsQueue?.Properties.MessageRetentionPeriod,
    );
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('BatchSendsQueue'),
    )?.[1];
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['BatchSendsQueue', 'Arn'] },
      FunctionName: { 'Fn::GetAtt': ['SendDashbatchDashitemsLambdaFunction', 'Arn'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // The batchSendConcurrency param's default, AWS's minimum: it bounds how hard Paypro is hit.
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(
      alarms.filter((a) =>
        JSON.stringify(a.Dimensions ?? []).includes('paypro-payouts-prod-batch-sends-dlq'),
      ),
    ).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: 'paypro-payouts-prod-batch-sends-dlq' }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      }),
    ]);
  });
});

describe('daily caps in the packaged prod template', () => {
  it('gives every function that records or settles payouts the pinned prod caps and the counters table', () => {
    // Prepare
    const fns = functionsById();
    const counters = tableNamed('payout-limits-prod');

    // Act
    const capsOf = (id: string) => {
      const vars = fns[id]?.Properties.Environment.Variables ?? {};
      return [
        vars.DAILY_MAX_AMOUNT,
        vars.DAILY_MAX_COUNT,
        vars.RECIPIENT_DAILY_MAX_AMOUNT,
        vars.RECIPIENT_DAILY_MAX_COUNT,
      ];
    };

    // Assess
    expect(counters?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      DeletionProtectionEnabled: true,
    });
    for (const id of [
      'CreateDashpayoutLambdaFunction',
      'CreateDashpayoutDashbatchLambdaFunction',
      'AdvanceDashbatchesLambdaFunction',
    ]) {
      expect(capsOf(id)).toEqual(['5000000', '20000', '500000', '20']);
      expect(fns[id]?.Properties.Environment.Variables.PAYOUT_LIMITS_TABLE).toBe('payout-limits-prod');
    }
    // Reserving writes conditionally and reads what is left; settling to FAILED gives back.
    const roles = template.Resources;
    // The breaker's item shares the table; its grants are held to that one key (checked below).
    const onBreakerItem = (s: object) =>
      JSON.stringify((s as { Condition?: Json }).Condition ?? {}).includes('PAYPRO#BREAKER');
    const onCounters = (role: string) =>
      statementsOf(roles[role] as Resource)
        .filter((s) => JSON.stringify(s.Resource).includes('PayoutLimitsTable'))
        .filter((s) => !onBreakerItem(s))
        .flatMap(actions)
        .sort();
    expect(onCounters('CreatePayoutRole')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(onCounters('CreatePayoutBatchRole')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // A batch's recipients are reserved, and what it does not use given back, off the request.
    expect(onCounters('AdvanceBatchesRole')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    for (const role of ['PayproCallbackRole', 'ReconcileRole', 'SendBatchItemsRole']) {
      expect(onCounters(role)).toEqual(['dynamodb:UpdateItem']);
    }
    expect(onCounters('GetPayoutRole')).toEqual([]);
    // An operator's FAILED gives back too; listing and the report never touch the counters.
    expect(onCounters('AdminResolvePayoutRole')).toEqual(['dynamodb:UpdateItem']);
    // The resend's send: a FAILED's give-back on the counters, and the Paypro breaker's item only.
    const onLimitsTable = statementsOf(roles.AdminResendPayoutRole as Resource)
      .filter((s) => JSON.stringify(s.Resource).includes('PayoutLimitsTable'))
      .map((s) => ({ actions: actions(s).sort(), condition: (s as Json).Condition }));
    expect(onLimitsTable).toEqual([
      { actions: ['dynamodb:UpdateItem'], condition: undefined },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PAYPRO#BREAKER'] } },
      },
    ]);
    expect(onCounters('AdminListPayoutsRole')).toEqual([]);
    expect(onCounters('AdminDailyReportRole')).toEqual([]);
    // The balance route reads the day's counter to show the caps' usage; it never changes one.
    expect(onCounters('AdminGetBalanceRole')).toEqual(['dynamodb:GetItem']);
    expect(onCounters('AdminGetReceiptRole')).toEqual([]);
    // The float monitor's FLOAT#STATE item shares the counters' table, under a key no counter has.
    expect(onCounters('FloatMonitorRole')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // Every sender asks the Paypro breaker before a send and may replace its item: that item only.
    const breakerGrants = (role: string) =>
      statementsOf(roles[role] as Resource)
        .filter(onBreakerItem)
        .map((s) => ({ actions: actions(s).sort(), resource: s.Resource, condition: (s as Json).Condition }));
    for (const role of ['CreatePayoutRole', 'SendBatchItemsRole', 'ReconcileRole']) {
      expect(breakerGrants(role)).toEqual([
        {
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resource: { 'Fn::GetAtt': ['PayoutLimitsTable', 'Arn'] },
          condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PAYPRO#BREAKER'] } },
        },
      ]);
    }
    expect(breakerGrants('PayproCallbackRole')).toEqual([]);
    // The prober may touch the breaker's PAYPRO#BREAKER item only, and nothing else of the table.
    const onlyBreaker = { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PAYPRO#BREAKER'] } };
    expect(onCounters('PayproBreakerRole')).toEqual([]);
    expect(breakerGrants('PayproBreakerRole')).toEqual([
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resource: { 'Fn::GetAtt': ['PayoutLimitsTable', 'Arn'] },
        condition: onlyBreaker,
      },
    ]);
    // The Paypro status route reads that item, and nothing else of the table.
    expect(onCounters('AdminGetPayproStatusRole')).toEqual([]);
    expect(breakerGrants('AdminGetPayproStatusRole')).toEqual([
      {
        actions: ['dynamodb:GetItem'],
        resource: { 'Fn::GetAtt': ['PayoutLimitsTable', 'Arn'] },
        condition: onlyBreaker,
      },
    ]);
  });
});
