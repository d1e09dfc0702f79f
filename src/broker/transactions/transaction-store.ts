/**
 * The coordinator's state on disk: `<dataDir>/meta/transactions.json`, every transactional id
 * with its producer, epoch, state, partitions, groups and staged offsets (Kafka keeps the same in
 * its __transaction_state topic). The whole file is rewritten atomically; changes asked for while
 * a write runs share the next one, which holds them all.
 */
import {mkdir, readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {GroupCommit} from '../../storage/group-commit.js'
import {writeFileAtomic} from '../meta-store.js'
import type {TransactionMetadata} from './transaction-metadata.js'

interface TransactionsFile {
  version: 1
  transactions: TransactionMetadata[]
}

export class TransactionStore {
  private readonly writes = new GroupCommit(() => writeFileAtomic(this.path, this.format()))

  private constructor(
    private readonly path: string,
    /** What the file should hold: every change asked for, including those still being written. */
    private readonly intended: Map<string, TransactionMetadata>,
  ) {}

  /** Opens the store and reads what it holds; an unreadable file stops the start, as open transactions would be lost. */
  static async open(dataDir: string): Promise<{store: TransactionStore; transactions: TransactionMetadata[]}> {
    const path = join(dataDir, 'meta', 'transactions.json')
    await mkdir(dirname(path), {recursive: true})
    const transactions = await readTransactions(path)
    const store = new TransactionStore(path, new Map(transactions.map((t) => [t.transactionalId, t])))
    return {store, transactions}
  }

  /**
   * Makes `next` durable (or, with null, forgets the id). On failure the change is taken back,
   * so a later write does not persist what the caller was told failed.
   */
  async save(transactionalId: string, next: TransactionMetadata | null): Promise<void> {
    const previous = this.intended.get(transactionalId)
    this.set(transactionalId, next)
    try {
      await this.writes.request()
    } catch (error) {
      if (this.intended.get(transactionalId) === (next ?? undefined)) this.set(transactionalId, previous ?? null)
      throw error
    }
  }

  settled(): Promise<void> {
    return this.writes.settled()
  }

  private set(transactionalId: string, value: TransactionMetadata | null): void {
    if (value === null) this.intended.delete(transactionalId)
    else this.intended.set(transactionalId, value)
  }

  private format(): string {
    return JSON.stringify({version: 1, transactions: [...this.intended.values()]} satisfies TransactionsFile)
  }
}

async function readTransactions(path: string): Promise<TransactionMetadata[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  let parsed: Partial<TransactionsFile>
  try {
    parsed = JSON.parse(text) as Partial<TransactionsFile>
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}): restore it or remove it to forget every transaction`)
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.transactions))
    throw new Error(`${path} is not a kbus transactions file (version 1): restore it or remove it to forget every transaction`)
  return parsed.transactions
}
