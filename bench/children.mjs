// The bench's child processes (bench/servers/*.mjs): started with their environment, they
// answer one IPC message when ready (a server's url) or done (a worker's figures).
import { fork } from 'node:child_process';

/** Forks `servers/<script>`; resolves to its first message and the child. */
export function start(script, env) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(`./servers/${script}`, import.meta.url), {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve({ ...message, child }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Asks a server started with `start` to stop; resolves once it has exited. */
export function stop(server) {
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit');
    server.child.once('exit', resolve);
    server.child.send('stop');
  });
}
