// Runs the CLI from source (spawned with `node --import tsx`), so the process test needs no build.
import { main } from '../../../src/adapters/cli/main';

void main(process.argv);
