/**
 * The command list. Each command lives in its own file (cli/<name>.ts) and exports a yargs CommandModule.
 * Add one import and one array entry per command.
 */
import type { CommandModule } from 'yargs';
import { convertCommand } from './convert.js';
import { infoCommand } from './info.js';
import { diffusionCommand } from './diffusion.js';
import { arrheniusCommand } from './arrhenius.js';
import { kmcCommand } from './kmc.js';
import { fluxCommand } from './flux.js';
import { stripCommand } from './strip.js';
import { hopsCommand } from './hops.js';
import { synthCommand } from './synth.js';
import { runCommand } from './run.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [convertCommand, infoCommand, diffusionCommand, arrheniusCommand, kmcCommand, fluxCommand, stripCommand, hopsCommand, synthCommand, runCommand];
