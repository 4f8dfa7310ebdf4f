/** What LabChart draws. */
export type ChartKind = 'line' | 'scatter' | 'bar'

export interface ChartPoint {
  x: number
  y: number
  /** Half-height of an error bar (a standard deviation), drawn as ±err. */
  err?: number | null
}

export interface ChartSeries {
  label: string
  points: readonly ChartPoint[]
  color?: string
  /** Scatter: join the points (a Pareto front). */
  showLine?: boolean
  dashed?: boolean
  pointRadius?: number
}
