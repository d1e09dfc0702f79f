/**
 * DescribeLogDirs (API key 35): kbus speaks v1-4 (Kafka 4 dropped v0), flexible from v2.
 * Fields from Kafka's DescribeLogDirsRequest.json / DescribeLogDirsResponse.json.
 */
import {array, bool, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeLogDirs = defineApi({
  key: 35,
  name: 'DescribeLogDirs',
  minVersion: 1,
  maxVersion: 4,
  flexibleFrom: 2,
  request: struct({
    /** Null: every topic. */
    topics: array(
      struct({
        topic: string(),
        partitions: array(int32()),
      }),
      {nullable: '0+'},
    ),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16({v: '3+'}),
    results: array(struct({
      errorCode: int16(),
      logDir: string(),
      topics: array(struct({
        name: string(),
        partitions: array(struct({
          partitionIndex: int32(),
          partitionSize: int64(),
          offsetLag: int64(),
          isFutureKey: bool(),
        })),
      })),
      totalBytes: int64({v: '4+', default: -1}),
      usableBytes: int64({v: '4+', default: -1}),
    })),
  }),
})

export type DescribeLogDirsRequest = RequestOf<typeof DescribeLogDirs>
export type DescribeLogDirsResponse = ResponseOf<typeof DescribeLogDirs>
