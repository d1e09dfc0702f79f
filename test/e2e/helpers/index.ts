export {startDaemon, isAlive, type Daemon, type StartDaemonOptions} from './daemon.js'
export {kbus, cliEnv, makeTempHome, BIN, type KbusOptions, type KbusResult} from './kbus.js'
export {waitFor} from './wait-for.js'
