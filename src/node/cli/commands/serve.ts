import type { Command } from 'commander';
import { InputError } from '../../files.js';
import { serveApp, webRoot } from '../../serve.js';

interface ServeFlags {
  port: string;
  host: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the browser app on this machine: drop files on the page, the analyses run in the browser and nothing ' +
        'is uploaded',
    )
    .option('--port <n>', 'port (0: any free port)', '8517')
    .option(
      '--host <address>',
      'address to listen on (loopback by default; other machines cannot reach it)',
      '127.0.0.1',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  cryodx serve            # then open http://127.0.0.1:8517/\n  cryodx serve --port 9000',
    )
    .action(async (opts: ServeFlags) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InputError(`--port takes a port number 0–65535, got "${opts.port}"`);
      let s;
      try {
        s = await serveApp(webRoot(), port, opts.host);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
      process.stdout.write(`cryodx: serving the browser app at ${s.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          s.server.close();
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
