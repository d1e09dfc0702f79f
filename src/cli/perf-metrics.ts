/**
 * --print-metrics in Kafka's layout (ToolsUtils.printMetrics): a blank line, a "Metric Name /
 * Value" header, then `group:name:{tags}` sorted by name and padded to the longest, each value
 * with three decimals (Kafka's sensors, counts included, are doubles). kbus lists only what its
 * tools measure themselves.
 */
export interface Metric {
  group: string
  name: string
  tags: Record<string, string>
  value: number
}

export function formatMetrics(metrics: readonly Metric[]): string {
  const named = metrics
    .map((metric) => {
      const tags = Object.entries(metric.tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(', ')
      return {name: `${metric.group}:${metric.name}:{${tags}}`, value: metric.value.toFixed(3)}
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const width = Math.max(0, ...named.map((metric) => metric.name.length))
  const lines = [`\n${'Metric Name'.padEnd(width)}   Value`]
  for (const metric of named) lines.push(`${metric.name.padEnd(width)} : ${metric.value}`)
  return lines.join('\n')
}
