import { PGlite } from '@electric-sql/pglite';
import { readFileSync, writeFileSync } from 'node:fs';
let t=Date.now(); const a = await PGlite.create(); console.log('create', Date.now()-t);
t=Date.now(); const dump = await a.dumpDataDir('none'); console.log('dump', Date.now()-t, dump.size);
writeFileSync('/tmp/pgl.tar', Buffer.from(await dump.arrayBuffer()));
await a.close();
t=Date.now(); const b = await PGlite.create({ loadDataDir: new Blob([readFileSync('/tmp/pgl.tar')]) }); console.log('load', Date.now()-t);
t=Date.now(); const c = await PGlite.create({ loadDataDir: new Blob([readFileSync('/tmp/pgl.tar')]) }); console.log('load2', Date.now()-t);
console.log((await c.query('select 1 as x')).rows);
