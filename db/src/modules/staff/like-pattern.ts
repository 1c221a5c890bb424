/** `%text%` for ILIKE, with the pattern's own wildcards escaped so that a search for "50%" means it. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
