/** Types of scripts/build.mjs (plain JavaScript, so that plain Node runs it before anything is compiled). */
export interface Build {
  /** The folder under dist/ holding this build. */
  folder: string;
  builtAtMs: number;
  /** Our source files the build was made from, relative to the repository. */
  inputs: string[];
}
export const rootFolder: string;
export const distFolder: string;
export const ENTRY_POINTS: Readonly<Record<string, string>>;
export function currentBuild(): Build | null;
export function staleReason(build?: Build | null): string | null;
/** Compiles entry points ({name: source relative to the repository}) into outputFolder/<name>.js; answers esbuild's metafile. */
export function bundle(entryPoints: Readonly<Record<string, string>>, outputFolder: string): Promise<{ inputs: Record<string, unknown> }>;
export function build(): Promise<Build>;
export function entryFile(build: Build, name: string): string;
