/**
 * Find the Temporal CLI (which contains the dev server and the Web UI), or build it.
 * Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, a binary we built before, then
 * `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (later tags carry `replace`
 * directives that `go install` refuses). Run as a script: `node dist/temporal/cli.js [--install]`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { homedir } from 'node:os';

export const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class TemporalCliNotFound extends Error {
  constructor(tried: string[], installError?: string) {
    super(
      [
        'The Temporal CLI (`temporal`) was not found. Looked at:',
        ...tried.map((t) => `  - ${t}`),
        ...(installError ? [`Building it failed: ${installError}`] : []),
        'Get it one of these ways:',
        '  - set TEMPORAL_CLI_PATH to an existing `temporal` binary;',
        '  - install it on PATH (https://docs.temporal.io/cli#install, e.g. `brew install temporal`);',
        `  - with Go >= 1.25: \`go install ${CLI_MODULE}\` (takes a few minutes, needs ~3 GB of memory);`,
        '  - or set TEMPORAL_ADDRESS to use a Temporal server you already run.',
      ].join('\n'),
    );
    this.name = 'TemporalCliNotFound';
  }
}

const isExecutable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function goBinDir(): string | undefined {
  try {
    const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
    if (gobin) return gobin;
    return join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin');
  } catch {
    return undefined;
  }
}

/** Places a previous build may have left the binary, most specific first. */
function builtCandidates(): string[] {
  const dirs = [goBinDir(), join(homedir(), 'go', 'bin'), '/usr/local/go/bin'].filter(Boolean) as string[];
  return [...new Set(dirs.map((d) => join(d, 'temporal')))];
}

export function findTemporalCli(): { path?: string; tried: string[] } {
  const tried: string[] = [];
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    tried.push(`TEMPORAL_CLI_PATH=${explicit}`);
    if (isExecutable(explicit)) return { path: explicit, tried };
  }
  tried.push('`temporal` on PATH');
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, tried };
  for (const candidate of builtCandidates()) {
    tried.push(candidate);
    if (existsSync(candidate) && isExecutable(candidate)) return { path: candidate, tried };
  }
  return { tried };
}

/** Find the CLI; when `install` is set and Go is available, build it once. */
export function ensureTemporalCli(opts: { install?: boolean; log?: (msg: string) => void } = {}): string {
  const found = findTemporalCli();
  if (found.path) return found.path;
  if (!opts.install) throw new TemporalCliNotFound(found.tried);
  if (!onPath('go') && !existsSync('/usr/local/go/bin/go')) throw new TemporalCliNotFound(found.tried, 'Go is not installed');
  const go = onPath('go') ?? '/usr/local/go/bin/go';
  opts.log?.(`Building the Temporal CLI with \`go install ${CLI_MODULE}\` (a few minutes, once)…`);
  const result = spawnSync(go, ['install', CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOFLAGS: '-buildvcs=false' } });
  if (result.status !== 0) throw new TemporalCliNotFound(found.tried, `go install exited with ${result.status ?? result.signal}`);
  const after = findTemporalCli();
  if (!after.path) throw new TemporalCliNotFound(after.tried, 'go install succeeded but the binary is not where Go puts binaries');
  return after.path;
}

if (require.main === module) {
  try {
    const path = ensureTemporalCli({ install: process.argv.includes('--install'), log: (m) => console.error(m) });
    console.log(path);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
