/**
 * A small regular-expression engine for the digit patterns in phone metadata, built to answer
 * one question exactly: after reading a prefix of a fixed-length digit string, is the pattern's
 * answer already the same for every way the string could end? (See nanp-fast-path.ts.)
 *
 * Supported syntax is what the metadata uses: digits, \d, [..] classes with ranges, (..) and
 * (?:..) groups, |, and the quantifiers ?, *, +, {n}, {n,m}. Anything else throws, and the
 * caller then does without the fast path.
 */
type Node =
  | { kind: 'set'; mask: number }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number };

export class UnsupportedPattern extends Error {}

const ALL_DIGITS = 0x3ff;

function parse(source: string): Node {
  let i = 0;
  const fail = (why: string): never => {
    throw new UnsupportedPattern(`${why} at ${i} in /${source}/`);
  };
  const digitMask = (c: string) => 1 << (c.charCodeAt(0) - 48);
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

  function alternation(): Node {
    const options = [sequence()];
    while (source[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  function sequence(): Node {
    const items: Node[] = [];
    while (i < source.length && source[i] !== '|' && source[i] !== ')')
      items.push(quantified(atom()));
    return { kind: 'seq', items };
  }

  function number(): number {
    const start = i;
    while (isDigit(source[i])) i++;
    if (start === i) fail('expected a number');
    return Number(source.slice(start, i));
  }

  function quantified(item: Node): Node {
    for (;;) {
      const c = source[i];
      if (c === '?') {
        i++;
        item = { kind: 'repeat', item, min: 0, max: 1 };
      } else if (c === '*') {
        i++;
        item = { kind: 'repeat', item, min: 0, max: Infinity };
      } else if (c === '+') {
        i++;
        item = { kind: 'repeat', item, min: 1, max: Infinity };
      } else if (c === '{') {
        i++;
        const min = number();
        let max = min;
        if (source[i] === ',') {
          i++;
          max = source[i] === '}' ? Infinity : number();
        }
        if (source[i] !== '}') fail('expected }');
        i++;
        item = { kind: 'repeat', item, min, max };
      } else {
        return item;
      }
      if (source[i] === '?') fail('lazy quantifiers are not supported');
    }
  }

  function atom(): Node {
    const c = source[i];
    if (isDigit(c)) {
      i++;
      return { kind: 'set', mask: digitMask(c!) };
    }
    if (c === '\\') {
      if (source[i + 1] !== 'd') fail('unsupported escape');
      i += 2;
      return { kind: 'set', mask: ALL_DIGITS };
    }
    if (c === '[') {
      i++;
      let mask = 0;
      if (source[i] === '^') fail('negated classes are not supported');
      while (source[i] !== ']') {
        if (source[i] === '\\' && source[i + 1] === 'd') {
          mask |= ALL_DIGITS;
          i += 2;
          continue;
        }
        const from = source[i];
        if (!isDigit(from)) fail('unsupported class member');
        i++;
        if (source[i] === '-' && isDigit(source[i + 1])) {
          const to = source[i + 1]!;
          for (let d = from!.charCodeAt(0); d <= to.charCodeAt(0); d++) mask |= 1 << (d - 48);
          i += 2;
        } else {
          mask |= digitMask(from!);
        }
      }
      i++;
      return { kind: 'set', mask };
    }
    if (c === '(') {
      i++;
      if (source[i] === '?') {
        if (source[i + 1] !== ':') fail('unsupported group');
        i += 2;
      }
      const inner = alternation();
      if (source[i] !== ')') fail('expected )');
      i++;
      return inner;
    }
    return fail(`unsupported character ${JSON.stringify(c)}`);
  }

  const node = alternation();
  if (i !== source.length) fail('unexpected )');
  return node;
}

/** A Thompson NFA over the digits 0–9. */
class Nfa {
  readonly eps: number[][] = [];
  readonly edges: Array<Array<[mask: number, to: number]>> = [];
  accept = -1;

  state(): number {
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }

  build(node: Node, from: number): number {
    switch (node.kind) {
      case 'set': {
        const to = this.state();
        this.edges[from]!.push([node.mask, to]);
        return to;
      }
      case 'seq': {
        let at = from;
        for (const item of node.items) at = this.build(item, at);
        return at;
      }
      case 'alt': {
        const end = this.state();
        for (const option of node.options) {
          const start = this.state();
          this.eps[from]!.push(start);
          this.eps[this.build(option, start)]!.push(end);
        }
        return end;
      }
      case 'repeat': {
        let at = from;
        for (let n = 0; n < node.min; n++) at = this.build(node.item, at);
        if (node.max === Infinity) {
          const loop = this.state();
          this.eps[at]!.push(loop);
          this.eps[this.build(node.item, loop)]!.push(loop);
          return loop;
        }
        const end = this.state();
        for (let n = node.min; n < node.max; n++) {
          this.eps[at]!.push(end);
          at = this.build(node.item, at);
        }
        this.eps[at]!.push(end);
        return end;
      }
    }
  }
}

/**
 * A pattern matched against whole digit strings (`^(?:p)$`) or as a prefix (`^(?:p)`, which is
 * what `string.search(p) === 0` tests), analysed for strings of one fixed length.
 */
export class DigitPattern {
  readonly #nfa = new Nfa();
  readonly #start: readonly number[];
  readonly #step = new Map<string, readonly number[]>();
  readonly #decided = new Map<string, boolean>();

  constructor(
    readonly source: string,
    readonly mode: 'whole' | 'prefix',
  ) {
    let node = parse(source);
    if (mode === 'prefix')
      node = {
        kind: 'seq',
        items: [
          node,
          { kind: 'repeat', item: { kind: 'set', mask: ALL_DIGITS }, min: 0, max: Infinity },
        ],
      };
    const start = this.#nfa.state();
    this.#nfa.accept = this.#nfa.build(node, start);
    this.#start = this.#closure([start]);
  }

  #closure(states: readonly number[]): number[] {
    const seen = new Set(states);
    const stack = [...states];
    while (stack.length > 0) {
      for (const next of this.#nfa.eps[stack.pop()!]!) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return [...seen].sort((a, b) => a - b);
  }

  get start(): readonly number[] {
    return this.#start;
  }

  next(states: readonly number[], digit: number): readonly number[] {
    const key = `${states.join(',')}|${digit}`;
    let result = this.#step.get(key);
    if (!result) {
      const bit = 1 << digit;
      const moved: number[] = [];
      for (const s of states)
        for (const [mask, to] of this.#nfa.edges[s]!) if (mask & bit) moved.push(to);
      result = this.#closure(moved);
      this.#step.set(key, result);
    }
    return result;
  }

  #accepts(states: readonly number[]): boolean {
    return states.includes(this.#nfa.accept);
  }

  /** True when every string of `remaining` more digits is accepted (want=true) or none is (want=false). */
  #uniform(states: readonly number[], remaining: number, want: boolean): boolean {
    const key = `${states.join(',')}|${remaining}|${want ? 1 : 0}`;
    const known = this.#decided.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (remaining === 0) {
      result = this.#accepts(states) === want;
    } else {
      result = true;
      for (let d = 0; d <= 9 && result; d++)
        result = this.#uniform(this.next(states, d), remaining - 1, want);
    }
    this.#decided.set(key, result);
    return result;
  }

  /** Whether the answer is the same for every completion of `remaining` digits from these states. */
  isDecided(states: readonly number[], remaining: number): boolean {
    return this.#uniform(states, remaining, true) || this.#uniform(states, remaining, false);
  }

  /** Plain matching, for tests: does the pattern accept this digit string? */
  matches(digits: string): boolean {
    let states = this.#start;
    for (const c of digits) states = this.next(states, c.charCodeAt(0) - 48);
    return this.#accepts(states);
  }
}
