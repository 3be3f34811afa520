/**
 * A streaming splitter for one JSON document (RFC 8259): it finds where each record starts and ends
 * without parsing the document — a tokenizer that tracks string and escape state and a stack of open
 * brackets — so a package of a million releases is read one release at a time. The records are the
 * elements of a top-level array, or of the arrays under `arrayKeys` of a top-level object (OCDS
 * release and record packages); a top-level object without any of those keys is itself the one record.
 * Each piece of text is handed on whole; JSON.parse then checks it (json.ts).
 */
export type SplitEvent =
  | { type: 'record'; raw: string; line: number }
  | { type: 'meta'; key: string; raw: string }
  | { type: 'error'; code: 'MALFORMED_JSON' | 'TRUNCATED'; message: string; line: number; raw: string };

/** Package metadata beyond this size is left out (it is not a record, and must not hold memory). */
export const MAX_META_CHARS = 64 * 1024;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Map([
  [0x7b, 0x7d],
  [0x5b, 0x5d],
]);
const CLOSERS = new Set([0x7d, 0x5d]);

/** Where the structure is, outside a captured value. */
type Phase =
  | 'begin'
  | 'after'
  | 'arr-value-or-end' // in a records array: first element or `]`
  | 'arr-value' // after a comma
  | 'arr-comma-or-end'
  | 'obj-key-or-end'
  | 'obj-key'
  | 'obj-colon'
  | 'obj-value'
  | 'obj-comma-or-end'
  | 'failed';

interface Capture {
  kind: 'record' | 'meta' | 'key';
  parts: string[];
  size: number;
  start: number;
  line: number;
  /** Closing brackets expected, innermost last. */
  stack: number[];
  scalar: boolean;
  inString: boolean;
  escape: boolean;
  /** A string or container has closed: the capture ends after this character. */
  done: boolean;
}

export class JsonSplitter {
  private phase: Phase = 'begin';
  private line = 1;
  private cap: Capture | null = null;
  private key = '';
  /** The records array sits inside the top-level object (a package), not at the top. */
  private inPackage = false;
  /** The whole top-level object, while it may turn out to be the one record (no array key seen yet). */
  private whole: { parts: string[]; start: number; line: number } | null = null;
  /** Metadata read before it is known whether the object is a package. */
  private readonly metas: SplitEvent[] = [];

  constructor(private readonly arrayKeys: ReadonlySet<string>) {}

  push(chunk: string): SplitEvent[] {
    const events: SplitEvent[] = [];
    let i = 0;
    while (i < chunk.length && this.phase !== 'failed') {
      if (this.cap) i = this.scanCapture(chunk, i, events);
      else i = this.structure(chunk, i, events);
    }
    if (this.cap) {
      this.keep(this.cap, chunk.slice(this.cap.start));
      this.cap.start = 0;
    }
    if (this.whole) {
      this.whole.parts.push(chunk.slice(this.whole.start));
      this.whole.start = 0;
    }
    return events;
  }

  end(): SplitEvent[] {
    if (this.phase === 'failed' || this.phase === 'after' || this.phase === 'begin') return [];
    const events: SplitEvent[] = [];
    const line = this.cap && this.cap.kind === 'record' ? this.cap.line : this.line;
    const raw = this.cap && this.cap.kind === 'record' ? this.cap.parts.join('') : '';
    events.push({ type: 'error', code: 'TRUNCATED', message: 'the document ends before it is complete', line, raw });
    this.phase = 'failed';
    return events;
  }

  private fail(events: SplitEvent[], code: 'MALFORMED_JSON', message: string) {
    events.push({ type: 'error', code, message: `${message} at line ${this.line}`, line: this.line, raw: '' });
    this.phase = 'failed';
    this.cap = null;
    this.whole = null;
  }

  private begin(kind: Capture['kind'], chunk: string, i: number): Capture {
    const c = chunk.charCodeAt(i);
    const closer = OPEN.get(c);
    return {
      kind,
      parts: [],
      size: 0,
      start: i,
      line: this.line,
      stack: closer ? [closer] : [],
      scalar: closer === undefined && c !== QUOTE,
      inString: c === QUOTE,
      escape: false,
      done: false,
    };
  }

  private keep(cap: Capture, text: string) {
    cap.size += text.length;
    if (cap.kind !== 'meta' || cap.size <= MAX_META_CHARS) cap.parts.push(text);
  }

  /** Inside a value: strings, escapes and brackets only; returns where the value ended (or the chunk's end). */
  private scanCapture(chunk: string, from: number, events: SplitEvent[]): number {
    const cap = this.cap!;
    let i = from;
    if (cap.scalar) {
      while (i < chunk.length) {
        const c = chunk.charCodeAt(i);
        if (WS.has(c) || c === 0x2c || CLOSERS.has(c)) return this.finish(chunk, i, events);
        i++;
      }
      return i;
    }
    for (; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) this.line++;
      if (cap.inString) {
        if (cap.escape) cap.escape = false;
        else if (c === BACKSLASH) cap.escape = true;
        else if (c === QUOTE) {
          cap.inString = false;
          if (cap.stack.length === 0) return this.finish(chunk, i + 1, events);
        }
        continue;
      }
      if (c === QUOTE) cap.inString = true;
      else if (OPEN.has(c)) cap.stack.push(OPEN.get(c)!);
      else if (CLOSERS.has(c)) {
        if (cap.stack.pop() !== c) {
          this.fail(events, 'MALFORMED_JSON', `unexpected ${String.fromCharCode(c)}`);
          return chunk.length;
        }
        if (cap.stack.length === 0) return this.finish(chunk, i + 1, events);
      }
    }
    return i;
  }

  /** A value ended just before `end`: hand it on and move the structure on. */
  private finish(chunk: string, end: number, events: SplitEvent[]): number {
    const cap = this.cap!;
    this.keep(cap, chunk.slice(cap.start, end));
    this.cap = null;
    const raw = cap.parts.join('');
    if (cap.kind === 'key') {
      try {
        this.key = JSON.parse(raw) as string;
      } catch {
        this.fail(events, 'MALFORMED_JSON', 'bad object key');
        return chunk.length;
      }
      this.phase = 'obj-colon';
    } else if (cap.kind === 'meta') {
      // Metadata only of a package: an object without an array key is the record, not a package.
      if (cap.size <= MAX_META_CHARS) (this.inPackage ? events : this.metas).push({ type: 'meta', key: this.key, raw });
      this.phase = 'obj-comma-or-end';
    } else {
      events.push({ type: 'record', raw, line: cap.line });
      this.phase = 'arr-comma-or-end';
    }
    return end;
  }

  /** Between values: the punctuation of the top-level array or object. */
  private structure(chunk: string, i: number, events: SplitEvent[]): number {
    const c = chunk.charCodeAt(i);
    if (WS.has(c)) {
      if (c === 0x0a) this.line++;
      return i + 1;
    }
    const unexpected = () => {
      this.fail(events, 'MALFORMED_JSON', `unexpected ${JSON.stringify(String.fromCharCode(c))}`);
      return chunk.length;
    };
    switch (this.phase) {
      case 'begin':
        if (c === 0x5b) this.phase = 'arr-value-or-end';
        else if (c === 0x7b) {
          this.phase = 'obj-key-or-end';
          this.whole = { parts: [], start: i, line: this.line };
        } else return unexpected();
        return i + 1;
      case 'after':
        return unexpected();
      case 'arr-value-or-end':
      case 'arr-value':
        if (c === 0x5d && this.phase === 'arr-value-or-end') return this.closeArray(i);
        if (c === 0x2c || c === 0x5d || c === 0x3a || c === 0x7d) return unexpected();
        this.cap = this.begin('record', chunk, i);
        return i + 1;
      case 'arr-comma-or-end':
        if (c === 0x2c) this.phase = 'arr-value';
        else if (c === 0x5d) return this.closeArray(i);
        else return unexpected();
        return i + 1;
      case 'obj-key-or-end':
      case 'obj-key':
        if (c === 0x7d && this.phase === 'obj-key-or-end') return this.closeObject(chunk, i, events);
        if (c !== QUOTE) return unexpected();
        this.cap = this.begin('key', chunk, i);
        return i + 1;
      case 'obj-colon':
        if (c !== 0x3a) return unexpected();
        this.phase = 'obj-value';
        return i + 1;
      case 'obj-value':
        if (c === 0x5b && this.arrayKeys.has(this.key)) {
          this.inPackage = true;
          this.whole = null; // a package: its records are the array's elements, the rest is metadata
          events.push(...this.metas.splice(0));
          this.phase = 'arr-value-or-end';
          return i + 1;
        }
        if (c === 0x2c || c === 0x5d || c === 0x3a || c === 0x7d) return unexpected();
        this.cap = this.begin('meta', chunk, i);
        return i + 1;
      case 'obj-comma-or-end':
        if (c === 0x2c) this.phase = 'obj-key';
        else if (c === 0x7d) return this.closeObject(chunk, i, events);
        else return unexpected();
        return i + 1;
      default:
        return chunk.length;
    }
  }

  private closeArray(i: number): number {
    this.phase = this.inPackage ? 'obj-comma-or-end' : 'after';
    return i + 1;
  }

  private closeObject(chunk: string, i: number, events: SplitEvent[]): number {
    this.phase = 'after';
    if (this.whole) {
      this.whole.parts.push(chunk.slice(this.whole.start, i + 1));
      events.push({ type: 'record', raw: this.whole.parts.join(''), line: this.whole.line });
      this.whole = null;
    }
    return i + 1;
  }
}
