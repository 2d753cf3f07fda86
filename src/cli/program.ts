import { Command, CommanderError } from 'commander';
import { runConvert } from './commands/convert.js';
import { runList } from './commands/list.js';
import { runExplain } from './commands/explain.js';
import { runCheck } from './commands/check.js';
import type { ExplainFormat } from '../explain/render.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Runs the command line and returns the exit status: 0 all rules converted, 1 a rule failed, 2 a usage
 * error, 130/143 a `convert -o` stopped by SIGINT/SIGTERM (see InterruptWatch). Nothing here throws for a
 * user's mistake; an unexpected crash is reported as an internal error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let status = 0;
  const program = new Command()
    .name('sigma-transpiler')
    .description('Convert Sigma detection rules into Splunk SPL, Elastic KQL, Microsoft Sentinel KQL and SQL')
    .version(packageVersion(), '-V, --version', 'print the version (from package.json) and exit')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();

  program
    .command('convert')
    .description('convert rules (files or folders of *.yml/*.yaml) for one or more targets')
    .option('-t, --target <id[,id...]>', 'target(s): see `sigma-transpiler list targets`; repeatable, comma-separated, or `all`', collect, [])
    .option('-f, --format <[target:]name>', 'output format (see `list formats`): for every selected target that has it, or target:name for one; repeatable', collect, [])
    .option('-p, --pipeline <name|file>', 'processing pipeline, built-in name or YAML file (repeatable)', collect, [])
    .option('--without-pipeline', "don't apply the target's default pipelines", false)
    .option('-s, --skip-unsupported', 'skip rules the target cannot express (a warning) instead of failing', false)
    .option('-o, --output-dir <dir>', 'write the output into DIR: one file per rule, or the format\'s pack file (only when every rule converted); several targets: one folder each, and manifest.json')
    .option('--manifest', 'with one target too: write DIR/manifest.json (every document, its status, diagnostics and hashes)', false)
    .option('--timings', 'print the slowest rules on stderr (always shown on a terminal)', false)
    .option('-q, --quiet', 'print only errors on stderr, not warnings or notes (a skipped rule still counts in the summary; the manifest and --json keep every diagnostic)', false)
    .option('-O, --target-option <name[=value]>', 'set a target option (see `list targets`), repeatable', collect, [])
    .option('-F, --format-option <name=value>', 'set an output format option (see `list formats <target>`), repeatable', collect, [])
    .option('--filter <file>', 'a Sigma filter file to apply besides the filters among the paths (repeatable)', collect, [])
    .option('--json', 'print one JSON object per rule document, one per line', false)
    .option('-j, --jobs <n|auto>', 'threads that parse and convert: the main thread and N-1 worker threads (1: the main thread alone); auto: one per core for packs of 100+ files on 4+ cores, else 1. The output is the same', 'auto')
    .argument('<path...>', 'rule files or folders')
    .action(async (paths: string[], opts: { target: string[]; format: string[]; pipeline: string[]; withoutPipeline: boolean; skipUnsupported: boolean; outputDir?: string; json: boolean; targetOption: string[]; formatOption: string[]; filter: string[]; manifest: boolean; timings: boolean; quiet: boolean; jobs: string }) => {
      status = await runConvert(paths, opts, io);
    });

  program
    .command('explain')
    .description('explain rules as a detection catalog shows them: stages, exclusions, indicators, corpus counts')
    .option('--corpus <dir>', 'count how many rules under DIR look for each indicator')
    .option('--format <format>', 'text | markdown | json', 'text')
    .argument('<rule...>', 'rule files or folders')
    .action((paths: string[], opts: { corpus?: string; format: string }) => {
      status = runExplain(paths, { ...(opts.corpus !== undefined ? { corpus: opts.corpus } : {}), format: opts.format as ExplainFormat }, io);
    });

  program
    .command('check')
    .description('lint rules the way SigmaHQ\'s CI does: schema, duplicates, identifiers, wildcards, tags, correlations')
    .option('-c, --config <file>', 'config file (default: .sigma-transpiler.yml in the working directory, when present)')
    .option('-d, --disable <code>', 'turn a check off (repeatable, or comma-separated)', collect, [])
    .option('-f, --format <format>', 'text | json | sarif', 'text')
    .option('--fail-on <severity>', 'exit 1 on findings of this severity or worse: error | warning', 'error')
    .option('--list', 'list the checks with their default severity', false)
    .argument('[path...]', 'rule files or folders')
    .action((paths: string[], opts: { config?: string; disable: string[]; format: string; failOn: string; list: boolean }) => {
      status = runCheck(paths, opts, io);
    });

  program
    .command('list')
    .description('list targets, formats, pipelines or modifiers')
    .argument('<what>', 'targets | formats | pipelines | modifiers')
    .argument('[target]', 'with formats: only this target; with pipelines: only this target or pipeline')
    .action((what: string, target: string | undefined) => {
      status = runList(what, target, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    io.stderr(`internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}
