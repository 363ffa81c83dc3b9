/*
 * The bench's stand-ins for the outside world, shared with the unit tests: DynamoDB (document
 * client), Paypro's HTTP API, Secrets Manager, the logger and the metrics counter. They live in
 * test/support/fakes so that the bench and the tests run on one set.
 */
export {
  type CommandCounts,
  countsBetween,
  FakeDocumentClient,
  writesAndReads,
} from '../test/support/fakes/document-client';
export { noopCounter, silentLog } from '../test/support/fakes/observability';
export { fakePayproFetch } from '../test/support/fakes/paypro';
export { countedSecretsManager, FAKE_SECRET as BENCH_SECRET } from '../test/support/fakes/secrets';
