/** A sleep that `signal.wake()` can end early (a subscription being stopped or nudged). */
export const wakeableSleep = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
