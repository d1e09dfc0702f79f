// @platformatic/kafka driven by the interop suite, under the Node 22 it requires.
//
// Usage: node platformatic_peer.mjs <command> '<json arguments>', with PLATFORMATIC_KAFKA_MODULE
// naming the package's entry file (it lives in the suite's cache, not in node_modules). Each
// command prints JSON: one object per record for reads and group members, a single object
// otherwise. Errors go to stderr, exit 1.
import {pathToFileURL} from 'node:url'

const kafka = await import(pathToFileURL(process.env.PLATFORMATIC_KAFKA_MODULE).href)
const {Admin, Consumer, Producer, stringDeserializers, stringSerializer, ConfigResourceTypes, IncrementalAlterConfigOperationTypes} = kafka

const TOPIC = ConfigResourceTypes.TOPIC
const [command, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs ?? '{}')

function emit(object) {
  process.stdout.write(`${JSON.stringify(object)}\n`)
}

function base(clientId) {
  return {clientId, bootstrapBrokers: [args.bootstrap], timeout: 15_000, retries: 3, retryDelay: 200}
}

async function withAdmin(work) {
  const admin = new Admin(base('kbus-interop-admin'))
  try {
    return await work(admin)
  } finally {
    await admin.close()
  }
}

function recordJson(message) {
  return {
    partition: message.partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: message.headerEntries.map(([key, value]) => [key, value ?? '<null header>']),
  }
}

let groupCounter = 0
function consumer(groupId) {
  return new Consumer({
    ...base('kbus-interop-consumer'),
    groupId,
    deserializers: stringDeserializers,
    maxWaitTime: 500,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  })
}

const commands = {
  async version() {
    const {version} = await import(new URL('version.js', pathToFileURL(process.env.PLATFORMATIC_KAFKA_MODULE)).href)
    emit({client: version, node: process.versions.node})
  },

  async list_topics() {
    emit({topics: await withAdmin((admin) => admin.listTopics({includeInternals: true}))})
  },

  async create_topic() {
    await withAdmin((admin) => admin.createTopics({topics: [args.topic], partitions: args.partitions, replicas: 1,
      configs: Object.entries(args.configs).map(([name, value]) => ({name, value}))}))
    emit({created: args.topic})
  },

  async describe_topic() {
    const described = await withAdmin(async (admin) => {
      const metadata = await admin.metadata({topics: [args.topic]})
      const [config] = await admin.describeConfigs({resources: [{resourceType: TOPIC, resourceName: args.topic}]})
      return {
        partitions: metadata.topics.get(args.topic)?.partitionsCount ?? 0,
        configs: Object.fromEntries(config.configs.map((entry) => [entry.name, entry.value])),
      }
    })
    emit(described)
  },

  async delete_topic() {
    await withAdmin((admin) => admin.deleteTopics({topics: [args.topic]}))
    emit({deleted: args.topic})
  },

  async create_partitions() {
    await withAdmin((admin) => admin.createPartitions({topics: [{name: args.topic, count: args.total}]}))
    emit({partitions: args.total})
  },

  async alter_topic_config() {
    await withAdmin((admin) => admin.incrementalAlterConfigs({resources: [{resourceType: TOPIC, resourceName: args.topic,
      configs: [{name: args.name, configOperation: IncrementalAlterConfigOperationTypes.SET, value: args.value}]}]}))
    emit({altered: args.name})
  },

  async delete_records() {
    await withAdmin((admin) => admin.deleteRecords({topics: [{name: args.topic, partitions: [{partition: 0, offset: BigInt(args.offset)}]}]}))
    emit({deleted_before: args.offset})
  },

  async list_groups() {
    emit({groups: [...(await withAdmin((admin) => admin.listGroups())).keys()]})
  },

  async committed_offsets() {
    const [group] = await withAdmin((admin) => admin.listConsumerGroupOffsets({groups: [args.group]}))
    const topic = group.topics.find((t) => t.name === args.topic)
    emit({offsets: Object.fromEntries((topic?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.committedOffset)]))})
  },

  async produce() {
    const producer = new Producer({
      ...base('kbus-interop-producer'),
      // Keys and values are text; headers stay Buffers so a repeated header key is two Map entries.
      serializers: {key: stringSerializer, value: stringSerializer},
      idempotent: args.idempotent,
      acks: args.acks,
      compression: args.compression,
    })
    try {
      await producer.send({
        messages: args.records.map((record) => ({
          topic: args.topic,
          partition: 0,
          key: record.key ?? undefined,
          value: record.value ?? undefined,
          headers: new Map(record.headers.map(([key, value]) => [Buffer.from(key), Buffer.from(value)])),
          timestamp: record.timestamp === undefined ? undefined : BigInt(record.timestamp),
        })),
      })
    } finally {
      await producer.close()
    }
    emit({sent: args.records.length})
  },

  /** One transaction per entry of args.transactions, each committed or aborted as listed. */
  async produce_transactions() {
    const producer = new Producer({
      ...base('kbus-interop-txn-producer'),
      serializers: {key: stringSerializer, value: stringSerializer},
      transactionalId: args.transactionalId,
      idempotent: true,
    })
    try {
      for (const plan of args.transactions) {
        const transaction = await producer.beginTransaction()
        await transaction.send({messages: plan.values.map((value) => ({topic: args.topic, partition: 0, value}))})
        await (plan.commit ? transaction.commit() : transaction.abort())
      }
    } finally {
      await producer.close()
    }
    emit({transactions: args.transactions.length})
  },

  /** A private group on a one-partition topic, positioned by mode or by explicit offsets. */
  async read() {
    const reader = consumer(`interop-platformatic-read-${process.pid}-${++groupCounter}`)
    const position = await startPosition(reader)
    const stream = await reader.consume({topics: [args.topic], autocommit: false, ...position})
    let seen = 0
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, args.timeoutMs)
      stream.on('error', reject)
      stream.on('data', (message) => {
        if (message.partition !== args.partition || seen >= args.count) return
        emit(recordJson(message))
        if (++seen >= args.count) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    await stream.close()
    await reader.close(true)
  },

  /** A group member until SIGTERM: each record committed as it is read, then a clean leave. */
  async member() {
    const member = consumer(args.group)
    const stream = await member.consume({topics: [args.topic], autocommit: false, mode: 'committed', fallbackMode: 'earliest'})
    let stopping = false
    const stop = async () => {
      if (stopping) return
      stopping = true
      await stream.close()
      await member.close()
      process.exit(0)
    }
    process.on('SIGTERM', stop)
    stream.on('error', (error) => process.stderr.write(`${error.stack ?? error}\n`))
    for await (const message of stream) {
      emit(recordJson(message))
      await message.commit()
    }
  },
}

async function startPosition(reader) {
  const from = args.from
  if (from === 'earliest' || from === 'latest') return {mode: from}
  let offset
  if ('offset' in from) offset = BigInt(from.offset)
  else offset = (await reader.listOffsets({topics: [args.topic], timestamp: BigInt(from.timestamp)})).get(args.topic)[args.partition]
  return {mode: 'manual', offsets: [{topic: args.topic, partition: args.partition, offset}]}
}

try {
  const run = commands[command]
  if (!run) throw new Error(`unknown command '${command}'`)
  await run()
  // A closed client can leave a timer behind; the answer is out, so the process ends here.
  process.exit(0)
} catch (error) {
  process.stderr.write(`${error.stack ?? error}${error.cause ? `\ncaused by: ${error.cause.stack ?? error.cause}` : ''}${error.errors ? `\n${error.errors.map((e) => e.message).join('\n')}` : ''}\n`)
  process.exit(1)
}
