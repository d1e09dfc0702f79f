/** A real Broker on a temp data dir, spoken to in encoded Kafka frames as a client would. */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Broker} from '../../../src/broker/broker.js'
import type {ConnectionInfo} from '../../../src/broker/handler.js'
import {kbusPaths} from '../../../src/config/paths.js'
import {buildServerConfig} from '../../../src/config/server-config.js'
import {silentLogger, type Logger} from '../../../src/daemon/logger.js'
import {decodeResponse, encodeRequest} from '../../../src/protocol/headers.js'
import type {ApiDefinition, Input, RequestOf, ResponseOf} from '../../../src/protocol/schema.js'

export interface TestBroker {
  broker: Broker
  home: string
  call<A extends ApiDefinition>(api: A, version: number, body: Input<RequestOf<A>>, conn?: ConnectionInfo): Promise<ResponseOf<A>>
  /** The raw answer (null when the broker sends none); throws what the broker throws. */
  send<A extends ApiDefinition>(api: A, version: number, body: Input<RequestOf<A>>, conn?: ConnectionInfo): Promise<Buffer | null>
  restart(): Promise<void>
  close(): Promise<void>
}

const CONNECTION: ConnectionInfo = {id: 1, listener: 'tcp', remoteAddress: '127.0.0.1:50000'}

export async function openTestBroker(overrides: Record<string, string> = {}, logger: Logger = silentLogger): Promise<TestBroker> {
  const home = mkdtempSync(join(tmpdir(), 'kbus-broker-'))
  const open = async () => {
    const {config} = buildServerConfig({overrides: new Map(Object.entries(overrides))}, kbusPaths({KBUS_HOME: home}))
    return Broker.open(config, {logger})
  }
  let broker = await open()
  let correlationId = 0
  const send: TestBroker['send'] = async (api, version, body, conn = CONNECTION) => {
    const frame = encodeRequest(api, version, ++correlationId, 'kbus-test', body).subarray(4)
    const answer = await broker.handle(frame, conn)
    return answer === null ? null : Buffer.concat(Array.isArray(answer) ? answer : [answer])
  }
  const harness: TestBroker = {
    get broker() {
      return broker
    },
    home,
    send,
    async call(api, version, body, conn) {
      const answer = await send(api, version, body, conn)
      if (answer === null) throw new Error(`${api.name} got no answer`)
      return decodeResponse(api, version, answer.subarray(4)).body
    },
    async restart() {
      await broker.close()
      broker = await open()
    },
    async close() {
      await broker.close()
      rmSync(home, {recursive: true, force: true})
    },
  }
  return harness
}
