/** `timeline` and `duplicates`: the query ran and matched nothing (0 found, 1 failure, 2 usage error as for every command). */
export const EXIT_NOTHING_FOUND = 3;
