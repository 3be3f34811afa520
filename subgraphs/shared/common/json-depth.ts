/** Deep enough for any GraphQL request the hub has (its input objects nest a few levels), far below a stack overflow. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** Where a JSON text nests deeper than allowed. */
export interface TooDeep {
  /** The root object's member the nesting is in (e.g. `variables`), or null when the root is not an object. */
  member: string | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/**
 * Whether a JSON text nests objects and arrays deeper than `max` levels (the root is level 1),
 * found by one pass over its characters, with no recursion and nothing allocated — to run before
 * JSON.parse. JSON.parse itself takes thousands of levels, but everything after it that walks the
 * value recursively (JSON.stringify, structured clone, variable coercion) overflows the stack.
 * The text need not be valid JSON: an invalid one is left to JSON.parse to refuse.
 */
export function jsonTooDeep(text: string, max: number): TooDeep | null {
  let depth = 0;
  let inString = false;
  let rootIsObject = false;
  // The last string closed directly inside the root object: the member a deeper value belongs to
  // (to go down from level 1 the text must have passed `"member":`).
  let keyStart = -1;
  let keyEnd = -1;
  let stringStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) {
          keyStart = stringStart;
          keyEnd = i;
        }
      }
    } else if (c === QUOTE) {
      inString = true;
      stringStart = i;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 0) rootIsObject = c === OPEN_OBJECT;
      if (++depth > max) return { member: rootIsObject && keyStart >= 0 ? memberName(text.slice(keyStart, keyEnd + 1)) : null };
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return null;
}

function memberName(quoted: string): string | null {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}
