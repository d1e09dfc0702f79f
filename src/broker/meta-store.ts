/**
 * The broker's own metadata under `<dataDir>/meta/`: which topics exist, their ids, partition
 * counts and config overrides. Every change is written to a temporary file, fsync'd and renamed
 * over the old one, so a crash leaves either the old or the new state, never a mix.
 * `<dataDir>/meta.properties` holds the cluster id and node id, as in Kafka's log dirs.
 */
import {randomBytes} from 'node:crypto'
import {mkdir, open, readFile, rename} from 'node:fs/promises'
import {join} from 'node:path'
import {GroupCommit} from '../storage/group-commit.js'

export interface TopicRecord {
  name: string
  /** Kafka's text form of the topic UUID: 22 characters of URL-safe base64. */
  id: string
  partitions: number
  configs: Record<string, string>
}

interface TopicsFile {
  version: 1
  topics: TopicRecord[]
}

export async function writeFileAtomic(path: string, contents: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`
  const file = await open(tmp, 'w', 0o644)
  try {
    await file.writeFile(contents)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(tmp, path)
  const dir = await open(join(path, '..'), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** A random UUID in Kafka's text form; like Kafka, never one whose text starts with '-'. */
export function newUuid(): string {
  for (;;) {
    const text = randomBytes(16).toString('base64url')
    if (!text.startsWith('-')) return text
  }
}

export class MetaStore {
  /** The newest topic list asked to be saved: what the next write of topics.json holds. */
  private topics: TopicRecord[] = []
  private readonly topicWrites = new GroupCommit(() => writeFileAtomic(this.topicsPath, formatTopics(this.topics)))

  private constructor(
    private readonly dataDir: string,
    readonly clusterId: string,
  ) {}

  static async open(dataDir: string, nodeId: number): Promise<MetaStore> {
    await mkdir(join(dataDir, 'meta'), {recursive: true})
    const propertiesPath = join(dataDir, 'meta.properties')
    const existing = parseProperties((await readIfExists(propertiesPath)) ?? '')
    const clusterId = existing.get('cluster.id') ?? newUuid()
    if (existing.get('cluster.id') === undefined || existing.get('node.id') !== String(nodeId)) {
      const text = `#kbus metadata\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`
      await writeFileAtomic(propertiesPath, text)
    }
    return new MetaStore(dataDir, clusterId)
  }

  async loadTopics(): Promise<TopicRecord[]> {
    const text = await readIfExists(this.topicsPath)
    if (text === undefined) return []
    return (JSON.parse(text) as TopicsFile).topics
  }

  /**
   * Persists the full topic list. Calls made while a write runs share the next one, which holds
   * the newest list: creating 1,000 topics at once costs two writes of the file, not 1,000. Each
   * call must pass the whole list as the caller wants it to be, since the newest call wins.
   */
  saveTopics(topics: TopicRecord[]): Promise<void> {
    this.topics = topics
    return this.topicWrites.request()
  }

  private get topicsPath(): string {
    return join(this.dataDir, 'meta', 'topics.json')
  }
}

function formatTopics(topics: TopicRecord[]): string {
  return JSON.stringify({version: 1, topics} satisfies TopicsFile, null, 1)
}

function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^\s*([^#!=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line)
    if (match) properties.set(match[1], match[2])
  }
  return properties
}
