// The outputs a Python or JavaScript program writes to `$MAESTRO_OUTPUT`, as far as its text tells: the `name=` and
// `name<<` lines of the string literals it passes to a call that writes (`f.write(f"version={v}\n")`,
// `print("ok=1", file=out)`, `fs.appendFileSync(process.env.MAESTRO_OUTPUT, `sha=${sha}\n`)`), and the names given
// as a literal to a function of its own that writes its parameter so (`def set_output(name, value)` writing
// `f"{name}={value}\n"`, called `set_output("version", v)`). Another name made by an expression is not found. Pure.
import { type Literal, literalLines, literalName } from './programs/literal';
import { type Argument, type Call, type Definition, type ProgramLanguage, scanProgram } from './programs/scanner';

export type { ProgramLanguage } from './programs/scanner';

export interface ProgramWrite {
  output: string;
  /** The name's offset in the program's text. */
  at: number;
}

/** A function of the program that writes the name it is given as its parameter number `index`, called `param`. */
interface Setter {
  name: string;
  index: number;
  param: string;
}

/** The outputs `source` writes; `indent`, a YAML block's indentation the source still has (see literalLines). */
export function programWrites(source: string, language: ProgramLanguage, indent = 0): ProgramWrite[] {
  const { written, definitions, calls } = scanProgram(source, language);
  const found = new Map<number, ProgramWrite>();
  const setters: Setter[] = [];
  for (const literal of written)
    for (const line of literalLines(literal, source, indent)) {
      if ('output' in line) found.set(line.at, line);
      else {
        const setter = setterOf(definitions, literal, line.param);
        if (setter) setters.push(setter);
      }
    }
  for (const call of calls)
    for (const setter of setters) {
      const named = call.callee === setter.name ? givenName(call, setter) : undefined;
      if (named) found.set(named.at, named);
    }
  return [...found.values()].sort((a, b) => a.at - b.at);
}

/** The function, defined before the literal, whose parameter `param` is (the nearest such one). */
function setterOf(definitions: Definition[], literal: Literal, param: string): Setter | undefined {
  const before = literal.offsets[0] ?? 0;
  let nearest: Definition | undefined;
  for (const d of definitions) if (d.at < before && d.params.includes(param) && (!nearest || d.at > nearest.at)) nearest = d;
  return nearest && { name: nearest.name, index: nearest.params.indexOf(param), param };
}

/** The name a call gives a setter where it writes it: its argument there, or the keyword's, when a literal name. */
function givenName(call: Call, setter: Setter): ProgramWrite | undefined {
  const positional = call.args.slice(0, setter.index + 1).every((a) => a.keyword === undefined);
  const arg: Argument | undefined = positional ? call.args[setter.index] : call.args.find((a) => a.keyword === setter.param);
  return arg?.literal && !arg.other && !arg.name ? literalName(arg.literal) : undefined;
}
