/**
 * @module A Dockerfile reader for the tests: instructions grouped by build stage, continuation
 * lines joined, comments and the parser directive dropped. Enough for the files in deploy/, not
 * a full implementation of the format (no heredocs, no escape directive).
 */

/** One instruction: `RUN npm ci` → { keyword: 'RUN', args: 'npm ci' }. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** One `FROM … AS name` and what follows it. */
export interface DockerStage {
  name: string | undefined;
  from: string;
  instructions: DockerInstruction[];
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // comments (also between continued lines) and directives
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    current += line;
    if (current.trim()) lines.push(current.trim().replace(/\s+/g, ' '));
    current = '';
  }
  if (current.trim()) lines.push(current.trim());
  return lines;
}

/** Parses `text` into stages. @throws when an instruction other than ARG comes before FROM. */
export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const line of logicalLines(text)) {
    const [keyword = '', ...rest] = line.split(' ');
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = rest;
      stages.push({ name: as?.toUpperCase() === 'AS' ? name : undefined, from, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${instruction.keyword} before FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}
