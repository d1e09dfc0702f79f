import type {ConnectionInfo} from '../handler.js'

/** The member host Kafka reports (`/127.0.0.1`); local-socket clients are on this machine too. */
export function clientHost(conn: ConnectionInfo): string {
  if (conn.listener === 'unix') return '/127.0.0.1'
  const host = conn.remoteAddress.slice(0, conn.remoteAddress.lastIndexOf(':'))
  return `/${host.replace(/^::ffff:/, '')}`
}
