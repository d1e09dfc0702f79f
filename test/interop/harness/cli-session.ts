/**
 * kbus's own commands run with `--bootstrap-server` against one broker (kbus's daemon, or Apache
 * Kafka), each step recorded with its exit code and the shape of its stdout, so the same scenario
 * run against both brokers can be compared step by step: same exit codes, same stdout once what
 * necessarily differs between two brokers (ports, ids, clocks, measured numbers) is blanked out.
 */
import {kbus} from '../../e2e/helpers/index.js'
import {lastLines, run} from './process.js'

export interface CliTarget {
  /** The matrix column. */
  readonly name: string
  readonly bootstrap: string
  /** Where the broker keeps its partition directories (`<topic>-<partition>`). */
  readonly dataDir: string
}

/** How a step's stdout is compared across brokers. */
export type Comparison =
  /** Text as printed, with ports, ids and clocks blanked out and column padding collapsed. */
  | 'text'
  /** As 'text', and every number blanked too: for measurements (the perf tools). */
  | 'numbers'
  /** Only the exit code: the output is the broker's own business (what it reports, not how kbus prints it). */
  | 'exit-code'

export interface StepOptions {
  input?: string
  /** The exit code the step must end with (default 0). */
  exit?: number
  compare?: Comparison
  /** Only these stdout lines are compared (a listing that holds other scenarios' topics too). */
  lines?: (line: string) => boolean
  /** Leave out --bootstrap-server (a command that takes the broker as an argument). */
  noBootstrapFlag?: boolean
  timeoutMs?: number
}

export interface StepResult {
  stdout: string
  stderr: string
  exitCode: number
}

interface RecordedStep {
  label: string
  exitCode: number
  shape: string | undefined
}

export class CliSession {
  readonly steps: RecordedStep[] = []

  /** `home` is a KBUS_HOME with no daemon in it, so nothing can fall back to a local socket. */
  constructor(
    readonly target: CliTarget,
    private readonly home: string,
  ) {}

  /** Runs `kbus <args> --bootstrap-server <target>`; throws unless it exits as expected. */
  async kbus(label: string, args: string[], opts: StepOptions = {}): Promise<StepResult> {
    const full = opts.noBootstrapFlag ? args : [...args, '--bootstrap-server', this.target.bootstrap]
    const result = await kbus(full, {home: this.home, input: opts.input, timeout: opts.timeoutMs ?? 60_000})
    return this.record(label, `kbus ${args.slice(0, 3).join(' ')}`, result, opts)
  }

  /**
   * Runs one of Apache Kafka's own tools (`mainClass` from the jars on `classpath`) with
   * `--bootstrap-server <target>`, recorded like a kbus step: the same tool against both brokers.
   */
  async kafkaTool(label: string, classpath: string, mainClass: string, args: string[], opts: StepOptions = {}): Promise<StepResult> {
    const result = await run('java', ['-Xmx256M', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp', classpath, mainClass, '--bootstrap-server', this.target.bootstrap, ...args], {input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000})
    return this.record(label, mainClass.replace(/.*\./, ''), result, opts)
  }

  private record(label: string, command: string, result: StepResult, opts: StepOptions): StepResult {
    const expected = opts.exit ?? 0
    if (result.exitCode !== expected)
      throw new Error(`${label}: ${command} exited ${result.exitCode}, expected ${expected}: ${lastLines(result.stderr || result.stdout, 3)}`)
    const compare = opts.compare ?? 'text'
    const stdout = opts.lines ? result.stdout.split('\n').filter(opts.lines).join('\n') : result.stdout
    this.steps.push({label, exitCode: result.exitCode, shape: compare === 'exit-code' ? undefined : shapeOf(stdout, compare === 'numbers')})
    return result
  }

  /** The same command, not recorded: for polling until a broker catches up. */
  async probe(args: string[]): Promise<StepResult> {
    return kbus([...args, '--bootstrap-server', this.target.bootstrap], {home: this.home, timeout: 60_000})
  }
}

/**
 * Apache Kafka 4 formats its storage with a cluster-wide min.insync.replicas=1, which a kbus daemon
 * does not have: Kafka lists it among a topic's dynamic configs and, under --all, with that synonym
 * ahead of the default that kbus lists alone. The line is dropped on both brokers only when it says
 * exactly that: any other value or synonym still shows as a difference.
 */
const MIN_INSYNC_REPLICAS_LINE =
  /^[ \t]*min\.insync\.replicas=1 sensitive=false synonyms=\{(?:DYNAMIC_DEFAULT_BROKER_CONFIG:min\.insync\.replicas=1(?:, DEFAULT_CONFIG:min\.insync\.replicas=1)?|DEFAULT_CONFIG:min\.insync\.replicas=1)\}(?:\n|$)/gm

/**
 * What two brokers may legitimately print differently through the same command is blanked out:
 * addresses, topic ids, member ids, timestamps and dates, and the column padding that follows their
 * width. Kafka 4's cluster-wide min.insync.replicas=1 is set aside (see MIN_INSYNC_REPLICAS_LINE);
 * config synonyms are compared as printed.
 */
export function shapeOf(stdout: string, blankNumbers: boolean): string {
  let text = stdout
    .replace(/127\.0\.0\.1:\d+/g, '<broker>')
    .replace(/\/127\.0\.0\.1\b/g, '<host>')
    .replace(/TopicId: \S+/g, 'TopicId: <id>')
    .replace(/\b[\w.-]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<member>')
    .replace(/\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}\b/g, '<date>')
    .replace(/\b1[5-9]\d{11}\b/g, '<time>')
    .replace(MIN_INSYNC_REPLICAS_LINE, '')
    .replace(/Configs: ?(\S*)/g, (_, list: string) => `Configs: ${list.split(',').filter((e) => e !== '' && e !== 'min.insync.replicas=1').join(',')}`)
  if (blankNumbers) text = text.replace(/-?\d+(\.\d+)?/g, 'N')
  return text
    .split('\n')
    .map((line) => line.trim().replace(/[ \t]+/g, ' '))
    .join('\n')
    .trim()
}

/** Throws at the first step whose exit code or stdout shape differs from the reference run's. */
export function assertSameTranscript(reference: readonly RecordedStep[], other: readonly RecordedStep[], referenceName: string): void {
  for (const [i, step] of other.entries()) {
    const want = reference[i]
    if (!want || want.label !== step.label) throw new Error(`step ${i + 1} (${step.label}) has no counterpart in the ${referenceName} run`)
    if (step.exitCode !== want.exitCode) throw new Error(`${step.label}: exit ${step.exitCode}, against ${referenceName} ${want.exitCode}`)
    if (step.shape === undefined || step.shape === want.shape) continue
    const got = step.shape.split('\n')
    const expected = (want.shape ?? '').split('\n')
    const at = got.findIndex((line, n) => line !== expected[n])
    const line = at === -1 ? expected.length - 1 + (got.length < expected.length ? 1 : 0) : at
    throw new Error(`${step.label}: stdout line ${line + 1} is ${JSON.stringify(got[line] ?? '(missing)')}, against ${referenceName} ${JSON.stringify(expected[line] ?? '(missing)')}`)
  }
  if (reference.length > other.length) throw new Error(`the ${referenceName} run has ${reference.length - other.length} more steps`)
}
