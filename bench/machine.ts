import os from 'node:os';

/** One line naming the machine a benchmark ran on, printed first by every bench. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return (
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown cpu'}, ${gib(os.totalmem())} GiB (${gib(os.freemem())} free), ` +
    `load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version} on ${os.platform()} ${os.release()} ${os.arch()}`
  );
}

/**
 * CPU a pass used, per second of wall time. process.cpuUsage counts every thread of the process:
 * crawler, extraction workers, embedded database and the simulated web (whose share is given apart).
 */
export function describeCpu(usage: NodeJS.CpuUsage, wallMs: number, webBusy: number): string {
  const seconds = (usage.user + usage.system) / 1e6;
  return `${seconds.toFixed(1)} s in all threads = ${(seconds / (wallMs / 1000)).toFixed(2)} of ${os.availableParallelism()} cores busy (the web's share ~${((webBusy * wallMs) / 1000).toFixed(1)} s)`;
}

/**
 * The least wall time the CPU a pass used could take on this machine's cores, against the politeness
 * bound: where it exceeds the bound, the cores, not the schedule, keep the pass from the bound.
 */
export function describeCoresFloor(cpuSeconds: number, boundMs: number): string {
  const cores = os.availableParallelism();
  const floor = cpuSeconds / cores;
  return `${floor.toFixed(1)} s = ${(floor / (boundMs / 1000)).toFixed(2)} of the bound (the pass's ${cpuSeconds.toFixed(1)} s of CPU on ${cores} cores: no schedule ends sooner here)`;
}
