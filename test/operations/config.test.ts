import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/adapters/config/config';

const root = path.resolve(__dirname, '../..');
const secrets = ['RETELL_API_KEY', 'CALCOM_WEBHOOK_SECRET', 'CALCOM_API_KEY', 'CALCOM_EVENT_TYPE_ID', 'ADMIN_TOKEN'] as const;
const production: Record<string, string> = {
  NODE_ENV: 'production',
  RETELL_API_KEY: 'key_retell_prod_0123456789',
  CALCOM_WEBHOOK_SECRET: 'whsec_prod_0123456789',
  CALCOM_API_KEY: 'cal_live_0123456789',
  CALCOM_EVENT_TYPE_ID: '2563193',
  ADMIN_TOKEN: 'admin-token-0123456789abcdef',
};

const problemsOf = (env: Record<string, string | undefined>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
};

describe('configuration', () => {
  it('names every bad setting in one error', () => {
    const env = {
      PORT: 'eighty',
      EVENT_STORE_URL: 'mysql://db/ledger',
      BOOKING_TIMEZONE: 'Mars/Olympus_Mons',
      ADMIN_TOKEN: 'short',
      LOG_LEVEL: 'chatty',
      CALCOM_EVENT_TYPE_ID: '-3',
      CONFIRMATION_WAIT_MS: 'soon',
      DEFAULT_LANGUAGE: 'fr',
      CALCOM_API_URL: 'not a url',
    };
    const problems = problemsOf(env);
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(Object.keys(env).sort());
    expect(() => loadConfig(env)).toThrow(/^Invalid configuration:\n {2}- /);
    // Values (which may be secrets) are never echoed.
    expect(problems.join('\n')).not.toContain('short');
  });

  it('accepts a complete production configuration and treats empty values as unset', () => {
    expect(loadConfig(production)).toMatchObject({ NODE_ENV: 'production', CALCOM_EVENT_TYPE_ID: 2563193, PORT: 3000 });
    expect(problemsOf({ ...production, ADMIN_TOKEN: '' })).toEqual(['ADMIN_TOKEN: required when NODE_ENV=production']);
  });

  it.each(secrets)('refuses to start in production without %s', (secret) => {
    const { [secret]: _omitted, ...env } = production;
    expect(problemsOf(env)).toEqual([`${secret}: required when NODE_ENV=production`]);
  });

  it('reports missing secrets and bad settings together in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: '70000' });
    expect(problems[0]).toMatch(/^PORT: /);
    expect(problems.slice(1)).toEqual(secrets.map((s) => `${s}: required when NODE_ENV=production`));
  });

  it('the real CLI exits 78 with one message listing every missing secret', () => {
    if (!existsSync(path.join(root, 'dist/adapters/cli/main.js'))) {
      execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
    }
    const run = spawnSync(process.execPath, [path.join(root, 'bin/booking-ledger.js'), 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(78);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`Invalid configuration:\n${secrets.map((s) => `  - ${s}: required when NODE_ENV=production\n`).join('')}`);
  });
});

describe('PRACTICES_FILE', () => {
  const example = path.join(root, 'practices.example.yaml');
  const secretsOfExample = {
    PRAXIS_MITTE_CALCOM_API_KEY: 'cal_live_mitte', PRAXIS_MITTE_WEBHOOK_SECRET: 'whsec_mitte',
    PHYSIO_LONDON_CALCOM_API_KEY: 'cal_live_london', PHYSIO_LONDON_WEBHOOK_SECRET: 'whsec_london',
  };
  const writeFile = (text: string, name = 'practices.yaml') => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'practices-')), name);
    writeFileSync(file, text);
    return file;
  };

  it('loads the sample file: two practices, their services, secrets from the environment', () => {
    const config = loadConfig({ PRACTICES_FILE: example, ...secretsOfExample });
    expect(config.practices.map((p) => [p.id, p.timeZone, p.calcom.apiKey, p.services.map((s) => s.id)])).toEqual([
      ['praxis-mitte', 'Europe/Berlin', 'cal_live_mitte', ['zahnreinigung', 'kontrolle']],
      ['physio-london', 'Europe/London', 'cal_live_london', ['physio', 'massage']],
    ]);
    // The environment's single-practice settings stay the practice "default".
    expect(loadConfig({ PRACTICES_FILE: example, ...secretsOfExample, CALCOM_EVENT_TYPE_ID: '77' }).practices.map((p) => p.id)).toEqual(['default', 'praxis-mitte', 'physio-london']);
    // A production start needs every practice's webhook secret, not the environment's event type.
    expect(loadConfig({ ...production, CALCOM_EVENT_TYPE_ID: '', CALCOM_API_KEY: '', CALCOM_WEBHOOK_SECRET: '', PRACTICES_FILE: example, ...secretsOfExample }).practices).toHaveLength(2);
  });

  it('names every problem of the file in one message, never a secret', () => {
    const problems = problemsOf({ PRACTICES_FILE: example, PRAXIS_MITTE_CALCOM_API_KEY: 'cal_live_mitte' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PRACTICES_FILE: ${PRAXIS_MITTE_WEBHOOK_SECRET} is not set in the environment',
        'PRACTICES_FILE: ${PHYSIO_LONDON_CALCOM_API_KEY} is not set in the environment',
      ]),
    );
    const bad = writeFile(`practices:
  - { id: Bad Id, name: x, calcom: { apiKey: k }, timeZone: Mars/Base, services: [] }
  - { id: twin, name: a, agentIds: [agent_1], calcom: { apiKey: k }, timeZone: Europe/Berlin, services: [{ id: s, eventTypeId: 1, names: { de: [S], en: [S] } }] }
  - { id: twin, name: b, agentIds: [agent_1], calcom: { apiKey: k }, timeZone: Europe/Berlin, services: [{ id: s, eventTypeId: 2, names: { de: [S], en: [S] } }] }
`);
    expect(problemsOf({ PRACTICES_FILE: bad })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PRACTICES_FILE: practice Bad Id: id: must be a short lower-case id/),
        expect.stringMatching(/^PRACTICES_FILE: practice Bad Id: timeZone: must be an IANA time zone/),
        expect.stringMatching(/^PRACTICES_FILE: practice Bad Id: services: /),
      ]),
    );
    const clash = writeFile(`practices:
  - { id: twin, name: a, agentIds: [agent_1], calcom: { apiKey: k }, timeZone: Europe/Berlin, services: [{ id: s, eventTypeId: 1, names: { de: [S], en: [S] } }] }
  - { id: twin, name: b, agentIds: [agent_1], calcom: { apiKey: k }, timeZone: Europe/Berlin, services: [{ id: s, eventTypeId: 2, names: { de: [S], en: [S] } }, { id: s, eventTypeId: 3, names: { de: [T], en: [T] } }] }
`);
    expect(problemsOf({ PRACTICES_FILE: clash })).toEqual([
      'PRACTICES_FILE: practice id twin is used twice',
      'PRACTICES_FILE: agent agent_1 belongs to practices twin and twin',
      'PRACTICES_FILE: practice twin: service id s is used twice',
    ]);
    expect(problemsOf({ PRACTICES_FILE: '/nonexistent/practices.yaml' })[0]).toMatch(/^PRACTICES_FILE: \/nonexistent\/practices.yaml cannot be read/);
    expect(problemsOf({ PRACTICES_FILE: writeFile('{"practices": [', 'p.json') })[0]).toMatch(/cannot be read/);
  });
});
