import type { BurstWatch } from './burstRound';
import type { Child } from './children';

/** CPU seconds the children used and the wall seconds that passed between each start() and stop(), summed. */
export const cpuWatch = (children: Child[]) => {
  let cpuSeconds = 0;
  let wallSeconds = 0;
  let startedAt = 0;
  const watch: BurstWatch = {
    start: () => {
      for (const child of children) child.probe.start();
      startedAt = performance.now();
    },
    stop: () => {
      wallSeconds += (performance.now() - startedAt) / 1000;
      for (const child of children) cpuSeconds += child.probe.stop().cpuSeconds;
    },
  };
  return { watch, used: () => ({ cpuSeconds, wallSeconds }) };
};

/** Several watches told together. */
export const watchAll = (...watches: BurstWatch[]): BurstWatch => ({
  start: () => watches.forEach((w) => w.start()),
  stop: () => watches.forEach((w) => w.stop()),
});
