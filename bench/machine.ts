import os from 'node:os';

/** One line naming the machine a benchmark ran on, printed first by every bench. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return (
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown cpu'}, ${gib(os.totalmem())} GiB (${gib(os.freemem())} free), ` +
    `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version} on ${os.platform()} ${os.release()} ${os.arch()}`
  );
}
