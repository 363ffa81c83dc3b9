/** `npm run reconcile`: runs the reconcile function once in the stack `npm start` is running. */
import { functionName, invokeLocal } from './invoke';

const stage = process.env.STAGE ?? 'dev';
const lambdaPort = Number(process.env.LAMBDA_PORT ?? 3002);

invokeLocal(lambdaPort, functionName(stage, 'reconcile'))
  .then((summary) => {
    console.log(JSON.stringify(summary));
  })
  .catch((error: unknown) => {
    const reason = error instanceof Error && 'cause' in error ? String(error.cause) : String(error);
    console.error(
      `Could not run the reconciler on port ${lambdaPort} (is \`npm start\` running?): ${reason}`,
    );
    process.exit(1);
  });
