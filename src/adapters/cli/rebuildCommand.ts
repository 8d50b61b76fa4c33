import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { projectionDefinitions, rebuildProjection, type ParkedEvent } from '../../projections';
import { withStores } from './cliContext';
import { askService, remoteOptions, type RemoteOptions } from './serviceClient';

export const rebuildCommand = () =>
  new Command('rebuild')
    .description('Rebuild read models from the event history (all projections, or the one named)')
    .argument('[projection]', `one of: ${projectionDefinitions.map((p) => p.name).join(', ')}`)
    .option('--no-progress', 'do not draw a progress bar')
    .addOption(remoteOptions()[0]!)
    .addOption(remoteOptions()[1]!)
    .action(async (name: string | undefined, options: { progress: boolean } & RemoteOptions) => {
      const chosen = name ? projectionDefinitions.filter((p) => p.name === name) : projectionDefinitions;
      if (chosen.length === 0) throw new UsageError(`Unknown projection "${name}"; known: ${projectionDefinitions.map((p) => p.name).join(', ')}`);
      if (options.url) {
        const { rebuilt } = await askService<{ rebuilt: Array<{ projection: string; events: number; parked: ParkedEvent[] }> }>(
          { ...options, url: options.url },
          'admin/rebuild',
          { method: 'POST', body: name ? { projection: name } : {} },
        );
        for (const result of rebuilt) report(result.projection, result.events, result.parked);
        return;
      }
      await withStores(async ({ stores }) => {
        for (const definition of chosen) {
          const bar = options.progress && process.stderr.isTTY ? new SingleBar({ format: `${definition.name} [{bar}] {value} events`, stream: process.stderr }, Presets.shades_classic) : undefined;
          bar?.start(0, 0);
          const parked: ParkedEvent[] = [];
          const count = await rebuildProjection({
            ...definition,
            eventStore: stores.eventStore,
            db: stores.readModel,
            truncate: definition.tables,
            onProgress: (done) => {
              bar?.setTotal(Math.max(done, 1));
              bar?.update(done);
            },
            onParked: (event) => parked.push(event),
          });
          bar?.stop();
          report(definition.name, count, parked);
        }
      });
    });

/** What a rebuild did, one line a projection, and every event it had to park. */
const report = (projection: string, events: number, parked: ParkedEvent[]): void => {
  process.stdout.write(`${projection}: rebuilt from ${events} events${parked.length > 0 ? `; ${parked.length} parked (not applied):` : ''}\n`);
  for (const event of parked) process.stdout.write(`  parked ${event.type} ${event.eventId} (stream ${event.streamId}): ${event.error}\n`);
};

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
