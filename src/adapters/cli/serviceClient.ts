import { Option } from 'commander';

/** `--url` and `--token`: ask a running service over HTTP instead of opening the data directory it holds. */
export interface RemoteOptions {
  url?: string;
  token?: string;
}

export const remoteOptions = (): Option[] => [
  new Option('--url <url>', "a running service's base URL (e.g. http://127.0.0.1:3000): ask it instead of opening the data directory"),
  new Option('--token <token>', 'the admin bearer token for --url').env('ADMIN_TOKEN'),
];

/** The service answered with an error the caller should see (and, for 404, "nothing found"). */
export class ServiceAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceAnswerError';
  }
}

/** One request to the running service; a non-2xx answer becomes a ServiceAnswerError with its message. */
export const askService = async <T>(remote: Required<Pick<RemoteOptions, 'url'>> & RemoteOptions, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
  const response = await fetch(new URL(path, remote.url.replace(/\/*$/, '/')), {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(remote.token ? { authorization: `Bearer ${remote.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const message = (json as { message?: unknown } | undefined)?.message;
    throw new ServiceAnswerError(response.status, `${remote.url} answered HTTP ${response.status}${typeof message === 'string' ? `: ${message}` : ''}`);
  }
  return json as T;
};
