import type { Practice } from '../../application/practice';
import type { UseCaseDeps } from '../../application/useCases/deps';

/** Which practice a request is for, and its use-case dependencies. */
export interface PracticeDirectory {
  /** Every configured practice. */
  all(): Practice[];
  byId(id: string): { practice: Practice; deps: UseCaseDeps } | undefined;
  /**
   * The practice of a request: the `/p/:practice` prefix if given, else the one that lists the Retell
   * agent, else the only or the default practice. Undefined when none fits (the caller gets an error).
   */
  resolve(request: { prefix?: string; agentId?: string }): { practice: Practice; deps: UseCaseDeps } | undefined;
}

export const createPracticeDirectory = (practices: Practice[], depsOf: Map<string, UseCaseDeps>, defaultId: string): PracticeDirectory => {
  const entry = (practice: Practice | undefined) => (practice ? { practice, deps: depsOf.get(practice.id)! } : undefined);
  const byId = (id: string) => entry(practices.find((p) => p.id === id));
  return {
    all: () => practices,
    byId,
    resolve: ({ prefix, agentId }) => {
      if (prefix !== undefined) return byId(prefix);
      const byAgent = agentId ? practices.find((p) => p.agentIds.includes(agentId)) : undefined;
      if (byAgent) return entry(byAgent);
      return byId(defaultId) ?? (practices.length === 1 ? entry(practices[0]) : undefined);
    },
  };
};
