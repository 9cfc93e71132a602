/** The loopback fault proxy lives with the benchmarks (bench/store-import.ts times typed errors with it). */
export { startFaultProxy, type FaultProxy } from '../../bench/lib/tcp-fault-proxy.js';
