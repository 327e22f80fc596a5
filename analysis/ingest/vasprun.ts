/**
 * vasprun.xml reader (MD), streamed through the `saxes` SAX parser: never a DOM, memory bounded by one frame.
 *
 * Frames are the unnamed `<structure>` elements, inside `<calculation>` or bare (VASP ≥ 6.3 MLFF steps are written
 * outside `<calculation>`; with ML_MODE = run there may be no `<calculation>` at all). Named structures
 * (`initialpos`, `primitive_cell`, `finalpos`) are not frames. Species come from `<atominfo>`; POTIM, NBLOCK,
 * TEBEG/TEEND and ML_OUTBLOCK from `<incar>`/`<parameters>`. vasprun.xml stores every ionic step (NBLOCK only
 * thins XDATCAR), so the stride between frames is 1 step, or ML_OUTBLOCK in MLFF runs that set it.
 * A killed run's truncated XML yields every frame whose `</structure>` closed, plus a warning naming the line.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InputError, failExpected, quoteFound } from '../../engine/core/errors.js';
import type { FrameReader, RawFrame, ReaderOptions, SourceInfo } from './frame-source.js';
import type { LineReader } from './line-reader.js';
import { scanNumbers } from './number-scan.js';

const PARAMS = new Set(['POTIM', 'NBLOCK', 'TEBEG', 'TEEND', 'ML_OUTBLOCK', 'ML_LMLFF', 'ML_MODE', 'IBRION']);

export const readVasprun: FrameReader = async function* (
  input: LineReader,
  info: SourceInfo,
  options: ReaderOptions,
): AsyncGenerator<RawFrame, void, void> {
  const file = input.file;
  const parser = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const params = new Map<string, string>();
  /** Line of each parameter in `params` (for warnings). */
  const paramLines = new Map<string, number>();
  const species: string[] = [];
  const ready: RawFrame[] = [];
  // Element stack of plain names.
  const stack: string[] = [];
  let text = '';
  let collecting: 'none' | 'param' | 'atomC' | 'basisV' | 'posV' = 'none';
  let paramName = '';
  let inAtomInfo = false;
  let atomsArray = false;
  let rcCol = -1;
  let structure: { named: boolean; line: number; cell: Float64Array; nCell: number; coords: number[] } | null = null;
  let varray: '' | 'basis' | 'positions' = '';
  let rootClosed = false;
  let frameCount = 0;
  let lastClosedLine = 0;
  let saxError: Error | null = null;

  const fail = (expected: string, found: string): never => failExpected(expected, found, { file, line: parser.line });

  parser.on('error', (err) => {
    if (!saxError) saxError = err;
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = tag.name;
    const nameAttr = typeof tag.attributes.name === 'string' ? tag.attributes.name : '';
    stack.push(name);
    switch (name) {
      case 'i':
        if (PARAMS.has(nameAttr) && !params.has(nameAttr)) {
          collecting = 'param';
          paramName = nameAttr;
          text = '';
        }
        break;
      case 'atominfo':
        inAtomInfo = true;
        break;
      case 'array':
        if (inAtomInfo) atomsArray = nameAttr === 'atoms';
        break;
      case 'rc':
        rcCol = 0;
        break;
      case 'c':
        if (inAtomInfo && atomsArray && rcCol === 0) {
          collecting = 'atomC';
          text = '';
        }
        break;
      case 'structure':
        structure = { named: nameAttr !== '', line: parser.line, cell: new Float64Array(9), nCell: 0, coords: [] };
        break;
      case 'varray':
        if (structure && !structure.named) varray = nameAttr === 'basis' ? 'basis' : nameAttr === 'positions' ? 'positions' : '';
        break;
      case 'v':
        if (structure && !structure.named && varray !== '') {
          collecting = varray === 'basis' ? 'basisV' : 'posV';
          text = '';
        }
        break;
      default:
        break;
    }
  });
  parser.on('text', (t) => {
    if (collecting !== 'none') text += t;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    const name = tag.name;
    stack.pop();
    switch (name) {
      case 'i':
        if (collecting === 'param') {
          params.set(paramName, text.trim());
          paramLines.set(paramName, parser.line);
          collecting = 'none';
        }
        break;
      case 'c':
        if (collecting === 'atomC') {
          species.push(text.trim().split(/[/_]/)[0]);
          collecting = 'none';
        }
        if (rcCol >= 0) rcCol++;
        break;
      case 'rc':
        rcCol = -1;
        break;
      case 'array':
        atomsArray = false;
        break;
      case 'atominfo':
        inAtomInfo = false;
        break;
      case 'v':
        if (collecting === 'basisV' && structure) {
          if (structure.nCell >= 3) fail('3 basis vectors', 'a fourth <v>');
          if (scanNumbers(text, structure.cell, 3 * structure.nCell, 3) < 0) fail('3 numbers in basis <v>', quoteFound(text.trim()));
          structure.nCell++;
        } else if (collecting === 'posV' && structure) {
          const tmp = new Float64Array(3);
          if (scanNumbers(text, tmp, 0, 3) < 0) fail('3 fractional coordinates in positions <v>', quoteFound(text.trim()));
          structure.coords.push(tmp[0], tmp[1], tmp[2]);
        }
        collecting = 'none';
        break;
      case 'varray':
        varray = '';
        break;
      case 'structure':
        if (structure && !structure.named) {
          if (species.length === 0) fail('<atominfo> with the species before the first structure', '<structure>');
          if (structure.nCell !== 3) fail('a structure with 3 basis vectors', `${structure.nCell}`);
          if (structure.coords.length !== 3 * species.length) {
            fail(`${species.length} positions in structure (from <atominfo>)`, `${structure.coords.length / 3}`);
          }
          ready.push({
            cell_A: structure.cell,
            coords: Float64Array.from(structure.coords),
            coordKind: 'fractional',
            wrapped: true,
            species,
            line: structure.line,
          });
          frameCount++;
          lastClosedLine = parser.line;
        }
        structure = null;
        break;
      case 'modeling':
        rootClosed = true;
        break;
      default:
        break;
    }
  });

  let paramsApplied = false;
  const applyParams = (): void => {
    if (paramsApplied) return;
    paramsApplied = true;
    const num = (k: string) => (params.has(k) ? Number(params.get(k)) : undefined);
    const potim = num('POTIM');
    if (potim !== undefined && Number.isFinite(potim) && potim > 0) info.timestep_fs = potim;
    const mlOn = /^\s*(T|\.TRUE\.)/i.test(params.get('ML_LMLFF') ?? '') || params.has('ML_MODE');
    const outblock = num('ML_OUTBLOCK');
    info.nblock = mlOn && outblock !== undefined && outblock >= 1 ? outblock : 1;
    const tb = num('TEBEG');
    const te = num('TEEND');
    if (tb !== undefined && Number.isFinite(tb)) {
      if (te === undefined || te === tb) info.temperature_K = tb;
      else {
        info.warnings.push(
          `${file}:${paramLines.get('TEEND')}: TEBEG = ${tb} K (line ${paramLines.get('TEBEG')}) and TEEND = ${te} K differ (a ramp); no temperature recorded`,
        );
      }
    }
  };

  for (;;) {
    const line = await input.next();
    if (line === null) break;
    parser.write(`${line}\n`);
    if (saxError) {
      throw new InputError(`expected well-formed XML, found ${(saxError as Error).message.replace(/^[^:]*:\d+:\d+:\s*/, '')}`, {
        file,
        line: input.lineNumber,
      });
    }
    if (ready.length > 0) {
      applyParams();
      for (const f of ready) yield f;
      ready.length = 0;
    }
    if (rootClosed) break;
  }
  applyParams();
  if (!rootClosed) {
    if (stack.length === 0 && frameCount === 0 && input.lineNumber === 0) {
      throw new InputError('expected vasprun.xml content, found an empty file', { file, line: 1 });
    }
    const msg = `file ends inside <${stack[stack.length - 1] ?? 'modeling'}> (truncated run?)`;
    if (options.strict) throw new InputError(msg, { file, line: input.lineNumber });
    info.warnings.push(
      `${file}:${input.lineNumber}: ${msg}; kept the ${frameCount} frame${frameCount === 1 ? '' : 's'} whose </structure> closed (last at line ${lastClosedLine})`,
    );
  }
};
