/**
 * Scenarios known to fail today, `<client>/<scenario>` → why. A listed failure shows as "known" in
 * the matrix and keeps the run green; a listed scenario that passes is flagged so its entry can be
 * deleted. Shrink this list as kbus improves; never add to it to hide a regression.
 */
export const KNOWN_FAILURES: Readonly<Record<string, string>> = {
  'kbus CLI → Apache Kafka/dump-log-index':
    'kbus dump-log exits 1 on the .index/.timeindex of an Apache Kafka segment still being written: Kafka preallocates them zero-filled, ' +
    'so entry 0 reads as offset 0 and is reported as a mismatch (kafka-dump-log prints the same lines but exits 0; stdout is identical)',
}
