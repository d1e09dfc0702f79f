/**
 * A second kbus daemon reachable only through the fault-injecting proxy: the daemon advertises the
 * proxy's address (advertised.listeners), so a client that bootstraps there keeps every connection,
 * and so every Produce, on the proxy. The suite reads the results back over the Unix socket.
 */
import {type Daemon, startDaemon} from '../../e2e/helpers/index.js'
import {FaultProxy} from './fault-proxy.js'
import {KbusReference} from './kbus-reference.js'

export interface FaultyBroker {
  daemon: Daemon
  proxy: FaultProxy
  /** kbus's CLI against the daemon directly (its Unix socket), past the proxy. */
  kbus: KbusReference
  remove(): Promise<void>
}

export async function startFaultyBroker(): Promise<FaultyBroker> {
  const proxy = await FaultProxy.start()
  try {
    const daemon = await startDaemon({overrides: [`advertised.listeners=PLAINTEXT://${proxy.bootstrap}`]})
    proxy.forwardTo(daemon.port)
    return {
      daemon,
      proxy,
      kbus: new KbusReference(daemon),
      async remove() {
        await proxy.close()
        await daemon.remove()
      },
    }
  } catch (error) {
    await proxy.close()
    throw error
  }
}
