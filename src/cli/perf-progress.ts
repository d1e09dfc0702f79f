/**
 * A live status line for the perf tools while they run: an ora spinner on stderr, only when
 * stderr is an interactive terminal (not CI, not TERM=dumb). In a pipe there is no spinner at
 * all; the tools' own periodic lines (Kafka's) are the record there. Lines the tool prints go
 * through `print` so a spinner on the same terminal is cleared first and redrawn after.
 */
import type {Ora} from 'ora'

export interface LiveStatus {
  /** Replaces the spinner's text (a no-op without a spinner). */
  update(text: string): void
  /** Writes one line to the stream without tearing the spinner. */
  print(stream: 'stdout' | 'stderr', line: string): void
  stop(): void
}

/** A terminal that reports no width (some ptys) would make a spinner's redraw arithmetic run away. */
export function interactiveStderr(): boolean {
  return process.stderr.isTTY === true && (process.stderr.columns ?? 0) > 0 && !process.env.CI && process.env.TERM !== 'dumb'
}

export async function startLiveStatus(text: string, opts: {enabled?: boolean} = {}): Promise<LiveStatus> {
  if (!(opts.enabled ?? true) || !interactiveStderr()) return plainStatus
  // Loaded only at a terminal: pipes and CI never pay for it.
  const {default: ora} = await import('ora')
  const spinner: Ora = ora({text, stream: process.stderr, discardStdin: false}).start()
  return {
    update(next) {
      spinner.text = next
    },
    print(stream, line) {
      spinner.clear()
      process[stream].write(`${line}\n`)
      spinner.render()
    },
    stop() {
      spinner.stop()
    },
  }
}

const plainStatus: LiveStatus = {
  update() {},
  print(stream, line) {
    process[stream].write(`${line}\n`)
  },
  stop() {},
}
