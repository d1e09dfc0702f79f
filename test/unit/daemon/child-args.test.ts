import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {childArgs, parseChildArgs} from '../../../src/daemon/child-args.js'

describe('the background broker command line', () => {
  it('carries every setting to the child, paths made absolute', () => {
    const input = {port: 0, dataDir: 'data', configFile: 'config/server.properties', overrides: ['num.partitions=3', 'a=b=c']}
    const args = childArgs(input)
    expect(args.slice(0, 2)).toEqual(['server', 'start'])
    expect(parseChildArgs(args)).toEqual({
      port: 0,
      dataDir: resolve('data'),
      configFile: resolve('config/server.properties'),
      overrides: ['num.partitions=3', 'a=b=c'],
    })
  })

  it('leaves unset settings unset, so the child applies the same defaults', () => {
    expect(childArgs({})).toEqual(['server', 'start'])
    expect(parseChildArgs(['server', 'start'])).toEqual({port: undefined, dataDir: undefined, configFile: undefined, overrides: undefined})
  })

  it('refuses what the parent never writes', () => {
    expect(() => parseChildArgs(['server', 'start', '--daemon'])).toThrow()
    expect(() => parseChildArgs(['topics', 'list'])).toThrow('Expected "server start"')
    expect(() => parseChildArgs(['server', 'start', '--port', 'x'])).toThrow('Expected a port number')
  })
})
