/**
 * One-line description of where a benchmark ran, printed above every table: numbers without the
 * machine, date and versions are not comparable.
 */
import os from 'node:os';

export interface MachineInfo {
  /** ISO date (UTC) of the run. */
  readonly date: string;
  /** CPU model as the OS reports it (`lscpu` "Model name"). */
  readonly cpuModel: string;
  /** Cores this process may use (`os.availableParallelism()`). */
  readonly cores: number;
  readonly memGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function describeMachine(now: Date = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    date: now.toISOString().slice(0, 10),
    cpuModel: (cpus[0]?.model ?? 'unknown CPU').trim(),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** e.g. "2025-01-31 · AMD EPYC · 2 cores · 7.8 GiB · node v20.11.0 · linux x64". */
export function machineLine(info: MachineInfo = describeMachine()): string {
  return [info.date, info.cpuModel, `${info.cores} cores`, `${info.memGiB} GiB`, `node ${info.node}`, info.platform].join(' · ');
}
