/** `npm run reconcile`: runs the reconcile function once in the stack `npm start` is running. */
import { functionName, invokeLocal } from './invoke';
import { lambdaPortOf } from './stack-file';

let target: { port: number; stage: string };
try {
  // The running stack's port (recorded by npm start), unless LAMBDA_PORT names another.
  target = lambdaPortOf(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

invokeLocal(target.port, functionName(target.stage, 'reconcile'))
  .then((summary) => {
    console.log(JSON.stringify(summary));
  })
  .catch((error: unknown) => {
    const reason = error instanceof Error && 'cause' in error ? String(error.cause) : String(error);
    console.error(
      `Could not run the reconciler on port ${target.port} (is \`npm start\` running?): ${reason}`,
    );
    process.exit(1);
  });
