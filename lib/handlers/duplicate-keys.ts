/*
 * JSON.parse keeps the last of two equal keys; a gateway, WAF or log reader may keep the first.
 * `{"amount":100,"amount":200000}` would then be read as 100 and paid as 200,000. The service
 * refuses such a body: this finds every key given twice in one object, at any depth.
 *
 * One pass over text JSON.parse has already accepted, so it need not check the grammar: a
 * string's end is found by one sticky regex (which irregexp compiles to a tight loop), and
 * only keys with an escape are decoded (`"a"` and `"\u0061"` are the same key). A 4 MB batch
 * body takes tens of milliseconds at most.
 */

const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The rest of a string after its opening quote, closing quote included: plain runs between escapes. */
const STRING_REST = /[^"\\]*(?:\\.[^"\\]*)*"/y;

/** An object or array being read: its keys so far, or the index of the element being read. */
interface Frame {
  keys: Set<string> | undefined;
  /** The keys already reported in this object, so a key given three times is named once. */
  reported: Set<string> | undefined;
  /** The member being read (an object's). */
  key: string;
  /** The element being read (an array's). */
  index: number;
  expectingKey: boolean;
}

/** A key as a field name: as problems name fields, an empty key visibly. */
const fieldName = (key: string) => (key === '' ? '""' : key);

/** The path of a key inside the frames: `items[3].mobile`, `amount`. */
function pathOf(frames: readonly Frame[], key: string): string {
  let path = '';
  for (let depth = 0; depth < frames.length - 1; depth += 1) {
    const frame = frames[depth] as Frame;
    if (frame.keys === undefined) path += `[${frame.index}]`;
    else path += path === '' ? fieldName(frame.key) : `.${fieldName(frame.key)}`;
  }
  return path === '' ? fieldName(key) : `${path}.${fieldName(key)}`;
}

/** Records the key just read in the innermost object, and its path in `found` the first time it repeats. */
function noteKey(frames: Frame[], top: Frame, quoted: string, found: string[]): void {
  const key = quoted.includes('\\') ? (JSON.parse(`"${quoted}"`) as string) : quoted;
  top.key = key;
  top.expectingKey = false;
  // Only an object's frame expects keys: it has its set.
  const keys = top.keys as Set<string>;
  if (!keys.has(key)) {
    keys.add(key);
    return;
  }
  if (top.reported?.has(key)) return;
  top.reported ??= new Set();
  top.reported.add(key);
  found.push(pathOf(frames, key));
}

/** The innermost frame after one character outside strings: brackets open and close frames, commas and colons move on. */
function afterPunctuation(code: number, frames: Frame[], top: Frame | undefined): Frame | undefined {
  if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
    const object = code === OPEN_OBJECT;
    const frame: Frame = {
      keys: object ? new Set() : undefined,
      reported: undefined,
      key: '',
      index: 0,
      expectingKey: object,
    };
    frames.push(frame);
    return frame;
  }
  if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
    frames.pop();
    return frames.at(-1);
  }
  if (code === COMMA && top) {
    if (top.keys === undefined) top.index += 1;
    else top.expectingKey = true;
  } else if (code === COLON && top) {
    top.expectingKey = false;
  }
  return top;
}

/**
 * The path of every key given more than once in one object of `text` (valid JSON), each once,
 * in the order they appear: `["amount", "items[3].mobile"]`. Empty when there is none.
 */
export function duplicateKeys(text: string): string[] {
  const found: string[] = [];
  const frames: Frame[] = [];
  let top: Frame | undefined;
  const length = text.length;
  for (let at = 0; at < length; at += 1) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      STRING_REST.lastIndex = at + 1;
      // Valid JSON: every string is closed.
      const end = STRING_REST.test(text) ? STRING_REST.lastIndex - 1 : length;
      if (top?.expectingKey) noteKey(frames, top, text.slice(at + 1, end), found);
      at = end;
    } else {
      top = afterPunctuation(code, frames, top);
    }
  }
  return found;
}
