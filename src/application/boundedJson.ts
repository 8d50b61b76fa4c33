/** JSON nested deeper than this is refused before it is parsed (nothing we read nests beyond ~6). */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count). */
export const jsonDepth = (text: string, stopAbove = Number.POSITIVE_INFINITY): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return deepest;
};

/**
 * JSON.parse with a nesting limit checked first: a body nested thousands deep would overflow the stack
 * of whatever walks it next (validation, storage), so it is a clear problem instead.
 */
export const parseBoundedJson = (text: string, maxDepth = MAX_JSON_DEPTH): { value: unknown } | { problem: string } => {
  if (jsonDepth(text, maxDepth) > maxDepth) return { problem: `body nests deeper than ${maxDepth} levels` };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'body is not JSON' };
  }
};
