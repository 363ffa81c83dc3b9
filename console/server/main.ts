/**
 * `npm run console -- --api <stage URL>`: the operator console on this machine, in front of a
 * deployed stage; every call signed with SigV4 from the operator's own AWS credentials here,
 * which never reach the browser.
 */
import { ConsoleUsageError, parseConsoleOptions } from './options';
import { startConsole } from './server';
import { signedUpstream } from './upstream';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseConsoleOptions>;
  try {
    options = parseConsoleOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConsoleUsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const running = await startConsole(signedUpstream(options.apiUrl, options.region), options.port);
  console.log(
    [
      `Operator console: ${running.url}`,
      `  Stage:  ${options.apiUrl} (region ${options.region}; calls signed with your AWS credentials)`,
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
