/**
 * A V8 code cache for the CommonJS a command loads: the CLI bundle (the commands with @oclif/core
 * and their dependencies, one file) and whatever it requires from node_modules. Compiling it is
 * most of a command's start-up, and Node 20 has no module.enableCompileCache, so the CLI keeps
 * V8's compiled code itself: one file per installation and Node build, in a private directory
 * under the system temp dir, read at start and rewritten at exit only when a file was new,
 * changed or its cache was refused.
 *
 * It is only ever an optimisation: an entry is used when the source it was made from is the
 * same (by content hash) and V8 accepts it (same V8 version and flags); anything unreadable,
 * damaged, foreign or not ours is ignored, and failing to write (read-only or full disk) is silent.
 * KBUS_CODE_CACHE=0 turns it off.
 */
import {createHash, randomBytes} from 'node:crypto'
import {lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import Module from 'node:module'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'

/** The parts of Node's CommonJS loader the cache stands in for (stable since Node 12, untyped). */
interface LoadingModule {
  exports: unknown
  require(id: string): unknown
}
type Compile = (this: LoadingModule, content: string, filename: string, format?: string) => unknown
interface ModuleInternals {
  prototype: {_compile: Compile}
  wrap(content: string): string
  _resolveFilename(request: string, parent: LoadingModule, isMain: boolean, options?: {paths?: string[]}): string
  _resolveLookupPaths(request: string, parent: LoadingModule): string[] | null
  _extensions: unknown
  _cache: unknown
}

const MAGIC = Buffer.from('KBUS-V8-CODE-CACHE-1\n')
const DIGEST_BYTES = 20

interface Entry {
  sourceHash: string
  data: Buffer
}

/**
 * Node's own compile does more under some flags (source maps for stack traces, a policy's
 * integrity checks); under them compiling stays Node's.
 */
const FLAGS_NODE_MUST_COMPILE_UNDER = /--enable-source-maps|--experimental-policy/

/** Serves CommonJS compiles from the cache from now on, and saves new code when the process exits. */
export function installCodeCache(): void {
  if (process.env.KBUS_CODE_CACHE === '0' || FLAGS_NODE_MUST_COMPILE_UNDER.test(nodeFlags())) return
  const cache = new CodeCache(join(tmpdir(), `kbus-code-cache-${process.getuid?.() ?? 'user'}`))
  cache.install()
  process.once('exit', () => cache.save())
}

export class CodeCache {
  private readonly file: string
  private readonly entries: Map<string, Entry>
  /** Compiled without usable cached code this run: saved at the end. */
  private readonly fresh = new Map<string, {sourceHash: string; script: Script}>()
  private original: Compile | undefined

  /** `key` tells apart what V8 would refuse to share: installation, Node build, flags. */
  constructor(
    private readonly dir: string,
    key = cacheKey(),
  ) {
    this.file = join(dir, `${key}.bin`)
    this.entries = readCacheFile(dir, this.file)
  }

  install(): void {
    const loader = Module as unknown as ModuleInternals
    const compile = loader.prototype._compile
    const {entries, fresh} = this
    this.original = compile
    loader.prototype._compile = function compileWithCache(content, filename, format) {
      if (!wrappable(content, format)) return compile.call(this, content, filename, format)
      const sourceHash = sha1(content)
      const entry = entries.get(filename)
      const cachedData = entry?.sourceHash === sourceHash ? entry.data : undefined
      // Only a source not cached before needs the look for import(): the bundle is 1.7 MB of it.
      if (cachedData === undefined && content.includes('import(')) return compile.call(this, content, filename, format)
      const script = new Script(loader.wrap(content), {filename, cachedData})
      if (cachedData === undefined || script.cachedDataRejected === true) fresh.set(filename, {sourceHash, script})
      const wrapper = script.runInThisContext({displayErrors: true}) as (...args: unknown[]) => unknown
      return wrapper.call(this.exports, this.exports, requireFor(this, loader), this, filename, dirname(filename))
    }
  }

  /** Gives compiling back to Node (modules already loaded keep their code). */
  uninstall(): void {
    if (this.original) (Module as unknown as ModuleInternals).prototype._compile = this.original
    this.original = undefined
  }

  /** Writes the cache when this run compiled something it did not have; never throws. */
  save(): void {
    if (this.fresh.size === 0) return
    // Made now rather than at compile time, so the functions this run used are in the cache too.
    for (const [filename, {sourceHash, script}] of this.fresh) this.entries.set(filename, {sourceHash, data: script.createCachedData()})
    this.fresh.clear()
    writeCacheFile(this.dir, this.file, this.entries)
  }
}

/**
 * Left to Node: ES modules and a file with a hashbang (the wrapper would make it a syntax error).
 * So is a file with a dynamic import() (checked in compileWithCache, only for sources not yet
 * cached): a vm.Script can only run one through an experimental API, and on Node 20 not at all
 * once the function holding it comes from cached code (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING,
 * even with vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER).
 */
function wrappable(content: string, format: string | undefined): boolean {
  return (format === undefined || format === 'commonjs') && !content.startsWith('#!')
}

/** What Node's own loader gives a module as `require`. */
function requireFor(module: LoadingModule, loader: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require
  const resolve = ((request: string, options?: {paths?: string[]}) =>
    loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module)
  require.resolve = resolve
  require.main = process.mainModule
  require.extensions = loader._extensions as NodeJS.Require['extensions']
  require.cache = loader._cache as NodeJS.Require['cache']
  return require
}

/** One cache per installation, Node build and V8 flags: each would refuse the others' code. */
function cacheKey(): string {
  const installation = fileURLToPath(import.meta.url)
  return sha1(`${installation}\0${process.version}\0${process.arch}\0${process.versions.v8}\0${nodeFlags()}`)
}

function nodeFlags(): string {
  return `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`
}

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex')
}

/**
 * The file: MAGIC, the SHA-1 of everything after it, a 4-byte index length, the index (JSON:
 * [filename, source hash, byte length][]), then the code of each entry in index order.
 */
function readCacheFile(dir: string, file: string): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  try {
    if (!ownedPrivately(dir, 'directory') || !ownedPrivately(file, 'file')) return entries
    const bytes = readFileSync(file)
    const body = MAGIC.length + DIGEST_BYTES
    if (bytes.length < body + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return entries
    const digest = createHash('sha1').update(bytes.subarray(body)).digest()
    if (!digest.equals(bytes.subarray(MAGIC.length, body))) return entries
    const indexLength = bytes.readUInt32LE(body)
    const index = JSON.parse(bytes.toString('utf8', body + 4, body + 4 + indexLength)) as [string, string, number][]
    let offset = body + 4 + indexLength
    for (const [filename, sourceHash, length] of index) {
      entries.set(filename, {sourceHash, data: bytes.subarray(offset, offset + length)})
      offset += length
    }
  } catch {
    entries.clear()
  }
  return entries
}

function writeCacheFile(dir: string, file: string, entries: Map<string, Entry>): void {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    if (!ownedPrivately(dir, 'directory')) return
    const index = JSON.stringify([...entries].map(([filename, {sourceHash, data}]) => [filename, sourceHash, data.length]))
    const indexBytes = Buffer.from(index)
    const indexLength = Buffer.alloc(4)
    indexLength.writeUInt32LE(indexBytes.length)
    const body = Buffer.concat([indexLength, indexBytes, ...[...entries.values()].map((entry) => entry.data)])
    const digest = createHash('sha1').update(body).digest()
    writeFileSync(temp, Buffer.concat([MAGIC, digest, body]), {mode: 0o600})
    // Atomic: a concurrent reader sees the old file or this one, and the last writer wins.
    renameSync(temp, file)
  } catch {
    try {
      rmSync(temp, {force: true})
    } catch {
      // Nothing was written there to clean up.
    }
  }
}

/**
 * Code from a file someone else could have written must never run: in a shared temp dir the
 * directory and the file must be ours, not links, and closed to group and others.
 */
function ownedPrivately(path: string, kind: 'directory' | 'file'): boolean {
  const stats = lstatSync(path)
  const rightKind = kind === 'directory' ? stats.isDirectory() : stats.isFile()
  const uid = process.getuid?.()
  return rightKind && (uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0
}
