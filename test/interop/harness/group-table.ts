/**
 * kafka-consumer-groups --describe's offsets table (GROUP TOPIC PARTITION CURRENT-OFFSET …),
 * printed alike by Kafka's tool and kbus's: the committed offset per partition of one topic.
 */
export function parseCommittedOffsets(output: string, topic: string): Record<number, number> {
  const rows = output.split('\n').map((line) => line.trim().split(/\s+/))
  const header = rows.find((cells) => cells.includes('CURRENT-OFFSET'))
  if (!header) throw new Error(`consumer-groups --describe printed no table: ${output.trim().slice(0, 300)}`)
  const column = (name: string) => header.indexOf(name)
  const offsets: Record<number, number> = {}
  for (const cells of rows) {
    if (cells[column('TOPIC')] !== topic || cells[column('CURRENT-OFFSET')] === '-') continue
    offsets[Number(cells[column('PARTITION')])] = Number(cells[column('CURRENT-OFFSET')])
  }
  return offsets
}
