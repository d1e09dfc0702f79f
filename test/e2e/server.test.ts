import {existsSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {connect} from 'node:net'
import {join} from 'node:path'
import {execa} from 'execa'
import {afterAll, describe, expect, it} from 'vitest'
import {decodeResponse, encodeRequest} from '../../src/protocol/headers.js'
import {Metadata} from '../../src/protocol/messages/03-metadata.js'
import {BIN, cliEnv, isAlive, kbus, makeTempHome, startDaemon, waitFor, type Daemon} from './helpers/index.js'

const daemons: Daemon[] = []
afterAll(async () => {
  await Promise.all(daemons.map((daemon) => daemon.remove()))
})

async function started(opts?: Parameters<typeof startDaemon>[0]): Promise<Daemon> {
  const daemon = await startDaemon(opts)
  daemons.push(daemon)
  return daemon
}

function accepts(target: {port: number; host: string} | {path: string}): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** One Metadata v4 round trip, the way any Kafka client opens a conversation. */
function metadata(target: {port: number; host: string} | {path: string}, topic: string) {
  return new Promise<ReturnType<typeof decodeResponse<typeof Metadata>>['body']>((resolve, reject) => {
    const socket = connect(target)
    let received = Buffer.alloc(0)
    socket.once('connect', () => socket.write(encodeRequest(Metadata, 4, 1, 'e2e', {topics: [{name: topic}], allowAutoTopicCreation: true})))
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk])
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.destroy()
        resolve(decodeResponse(Metadata, 4, received.subarray(4, 4 + received.readInt32BE(0))).body)
      }
    })
    socket.once('error', reject)
  })
}

describe('kbus server', () => {
  it('starts in the background, reports pid and listeners, and both listeners accept', async () => {
    const home = makeTempHome()
    const result = await kbus(['server', 'start', '--daemon', '--port', '0'], {home})
    expect(result.exitCode).toBe(0)
    const pid = Number(/kbus broker started \(pid (\d+)\)/.exec(result.stdout)?.[1])
    const port = Number(/PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/.exec(result.stdout)?.[1])
    expect(isAlive(pid)).toBe(true)
    expect(result.stdout).toContain(`unix:${join(home, 'kbus.sock')}`)
    expect(await accepts({host: '127.0.0.1', port})).toBe(true)
    expect(await accepts({path: join(home, 'kbus.sock')})).toBe(true)

    const stop = await kbus(['server', 'stop'], {home})
    expect(stop.exitCode).toBe(0)
    expect(stop.stdout).toContain(`kbus broker stopped (pid ${pid})`)
    expect(isAlive(pid)).toBe(false)
    expect(existsSync(join(home, 'kbus.pid'))).toBe(false)
    expect(existsSync(join(home, 'kbus.sock'))).toBe(false)
  })

  it('reports status as text and JSON, then says it is not running once stopped', async () => {
    const daemon = await started()
    const text = await kbus(['server', 'status'], {home: daemon.home})
    expect(text.exitCode).toBe(0)
    expect(text.stdout).toContain(`kbus broker is running (pid ${daemon.pid}`)
    expect(text.stdout).toContain(`PLAINTEXT://${daemon.bootstrap}`)
    expect(text.stdout).toMatch(/topics:\s+0 \(0 partitions\)/)

    const json = await kbus(['server', 'status', '--json'], {home: daemon.home})
    expect(json.exitCode).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({
      running: true,
      pid: daemon.pid,
      listeners: [`PLAINTEXT://${daemon.bootstrap}`],
      socketPath: join(daemon.home, 'kbus.sock'),
      dataDir: join(daemon.home, 'data'),
      topics: 0,
      partitions: 0,
    })

    await daemon.stop()
    const after = await kbus(['server', 'status'], {home: daemon.home})
    expect(after.exitCode).toBe(1)
    expect(after.stderr).toContain('kbus server is not running')
    const afterJson = await kbus(['server', 'status', '--json'], {home: daemon.home})
    expect(afterJson.exitCode).toBe(1)
    expect(JSON.parse(afterJson.stdout).error.message).toBe('kbus server is not running')
  })

  it('stop with nothing running exits 1 with Kafka\'s message', async () => {
    const result = await kbus(['server', 'stop'], {home: makeTempHome()})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('No kbus server to stop')
    expect(result.stdout).toBe('')
  })

  it('refuses a second broker on the same KBUS_HOME, naming the running pid', async () => {
    const daemon = await started()
    const second = await kbus(['server', 'start', '--daemon', '--port', '0'], {home: daemon.home})
    expect(second.exitCode).toBe(1)
    expect(second.stderr).toContain(`Another kbus broker (pid ${daemon.pid}) is running on KBUS_HOME=${daemon.home}`)
    // The foreground path (what the background child runs) holds the same line.
    const foreground = await kbus(['server', 'start', '--port', '0'], {home: daemon.home})
    expect(foreground.exitCode).toBe(1)
    expect(foreground.stderr).toContain(`Another kbus broker (pid ${daemon.pid})`)
    expect(isAlive(daemon.pid)).toBe(true)
  })

  it('fails clearly when the port is taken', async () => {
    const daemon = await started()
    const home = makeTempHome()
    const result = await kbus(['server', 'start', '--daemon', '--port', String(daemon.port)], {home})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Cannot listen on TCP 127.0.0.1:${daemon.port}: the address is already in use`)
    expect(existsSync(join(home, 'kbus.pid'))).toBe(false)
  })

  it('cleans up the pid file and socket a kill -9 left behind, and starts again', async () => {
    const daemon = await started()
    await daemon.kill9()
    expect(existsSync(join(daemon.home, 'kbus.pid'))).toBe(true)
    expect(existsSync(join(daemon.home, 'kbus.sock'))).toBe(true)

    const status = await kbus(['server', 'status'], {home: daemon.home})
    expect(status.exitCode).toBe(1)

    const restart = await kbus(['server', 'start', '--daemon', '--port', '0'], {home: daemon.home})
    expect(restart.exitCode).toBe(0)
    expect(restart.stderr).toContain('Removing stale pid file')
    expect(restart.stderr).toContain('Removing stale socket')
    daemon.pid = Number(/\(pid (\d+)\)/.exec(restart.stdout)?.[1])
    expect(await accepts({path: join(daemon.home, 'kbus.sock')})).toBe(true)
  })

  it('does not mistake an unrelated process that got the recorded pid for a broker', async () => {
    const home = makeTempHome()
    // This test process is alive but is not a kbus server: the pid was "reused".
    await writeFile(join(home, 'kbus.pid'), JSON.stringify({pid: process.pid, ready: true, listeners: []}))
    const status = await kbus(['server', 'status'], {home})
    expect(status.exitCode).toBe(1)
    const start = await kbus(['server', 'start', '--daemon', '--port', '0'], {home})
    expect(start.exitCode).toBe(0)
    expect(start.stderr).toContain(`pid ${process.pid} is no longer a running kbus broker`)
    expect((await kbus(['server', 'stop'], {home})).exitCode).toBe(0)
  })

  it('refuses a KBUS_HOME so deep that the socket path would be truncated', async () => {
    const home = join(makeTempHome(), 'd'.repeat(100))
    const result = await kbus(['server', 'start', '--port', '0'], {home})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('Set KBUS_HOME to a shorter directory')
  })

  it('restart() brings the broker back on the same port', async () => {
    const daemon = await started()
    const {port, pid} = daemon
    await daemon.restart()
    expect(daemon.port).toBe(port)
    expect(daemon.pid).not.toBe(pid)
    expect(await accepts({host: '127.0.0.1', port})).toBe(true)
  })

  it('refuses a data dir it cannot use, naming it', async () => {
    const home = makeTempHome()
    const blocker = join(home, 'not-a-dir')
    await writeFile(blocker, 'x')
    const result = await kbus(['server', 'start', '--daemon', '--port', '0', '--data-dir', join(blocker, 'data')], {home})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`Cannot use data directory ${join(blocker, 'data')}`)
  })

  it('applies --config and --override, and names the key and value of a bad one', async () => {
    const home = makeTempHome()
    const config = join(home, 'server.properties')
    // Kafka's KRaft sample shape: the controller listener is skipped, the client listener used.
    await writeFile(
      config,
      ['process.roles=broker,controller', 'controller.listener.names=CONTROLLER',
        'listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0', 'num.partitions=2'].join('\n'),
    )
    const ok = await kbus(['server', 'start', config, '--daemon', '--override', 'num.partitions=3'], {home})
    expect(ok.exitCode).toBe(0)
    expect(ok.stdout).toMatch(/PLAINTEXT:\/\/127\.0\.0\.1:\d+/)
    expect(ok.stdout).not.toContain('127.0.0.1:9092')
    expect(ok.stderr).toBe('')
    expect((await kbus(['server', 'stop'], {home})).exitCode).toBe(0)

    const bad = await kbus(['server', 'start', '--daemon', '--config', config, '--override', 'log.segment.bytes=abc'], {home})
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toContain('Invalid value abc for configuration log.segment.bytes (from --override): Not a number of type INT')

    const badFile = join(home, 'bad.properties')
    await writeFile(badFile, 'auto.create.topics.enable=maybe\n')
    const fromFile = await kbus(['server', 'start', '--port', '0', '--config', badFile], {home})
    expect(fromFile.exitCode).toBe(1)
    expect(fromFile.stderr).toContain('Invalid value maybe for configuration auto.create.topics.enable (from the config file)')
  })

  it('serves Kafka requests on both listeners, advertising the real TCP port and honouring --override', async () => {
    const daemon = await started({overrides: ['num.partitions=3']})
    const overTcp = await metadata({host: '127.0.0.1', port: daemon.port}, 'auto-created')
    expect(overTcp.brokers).toEqual([expect.objectContaining({nodeId: 1, host: '127.0.0.1', port: daemon.port})])
    expect(overTcp.topics[0].partitions).toHaveLength(3)
    const overSocket = await metadata({path: join(daemon.home, 'kbus.sock')}, 'auto-created')
    expect(overSocket.brokers[0].port).toBe(daemon.port)

    const status = JSON.parse((await kbus(['server', 'status', '--json'], {home: daemon.home})).stdout)
    expect(status).toMatchObject({topics: 1, partitions: 3})
  })

  it('runs in the foreground with a ready line on stderr and stops cleanly on Ctrl-C', async () => {
    const home = makeTempHome()
    const child = execa(process.execPath, [BIN, 'server', 'start', '--port', '0'], {env: cliEnv(home), extendEnv: false, reject: false})
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await waitFor(() => /kbus broker started \(pid \d+.*PLAINTEXT:\/\/127\.0\.0\.1:\d+/.test(stderr), {what: 'the ready line'})
    expect(await accepts({path: join(home, 'kbus.sock')})).toBe(true)
    child.kill('SIGINT')
    const result = await child
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('')
    expect(stderr).toContain('kbus broker stopped')
    expect(existsSync(join(home, 'kbus.pid'))).toBe(false)
    expect(existsSync(join(home, 'kbus.sock'))).toBe(false)
  })

  it('stops cleanly on a Ctrl-C that arrives while it is still starting (its pid file already out)', async () => {
    const home = makeTempHome()
    const child = execa(process.execPath, [BIN, 'server', 'start', '--port', '0'], {env: cliEnv(home), extendEnv: false, reject: false})
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // The pid file is the instance lock, taken first: `server stop` may signal from here on.
    await waitFor(() => existsSync(join(home, 'kbus.pid')), {what: 'the pid file', interval: 1})
    child.kill('SIGINT')
    const result = await child
    expect(result.exitCode).toBe(0)
    expect(stderr).toContain('kbus broker stopped')
    expect(existsSync(join(home, 'kbus.pid'))).toBe(false)
    expect(existsSync(join(home, 'kbus.sock'))).toBe(false)
  })

  it('prints a systemd unit that runs the foreground server with this KBUS_HOME and flags', async () => {
    const home = makeTempHome()
    await mkdir(home, {recursive: true})
    const result = await kbus(['server', 'service', '--port', '19092', '--override', 'num.partitions=3'], {home})
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('[Service]')
    expect(result.stdout).toContain(`Environment=KBUS_HOME=${home}`)
    expect(result.stdout).toMatch(/ExecStart=\S+node\S* \S+bin\/run\.js server start --port 19092 --override num\.partitions=3/)
    expect(result.stdout).toContain('WantedBy=default.target')
  })
})
