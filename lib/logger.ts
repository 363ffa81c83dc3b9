import { Logger } from '@aws-lambda-powertools/logger';

/** The service's structured JSON logger. Log masked mobiles only, never secrets, signs or tokens. */
// The service name comes from POWERTOOLS_SERVICE_NAME (serverless.yml), so it carries the stage.
export const logger = new Logger();

/** The logging surface the use cases need, so tests can pass a silent or recording one. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;
