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

/** What a chart is given: LabChart's props (ChartCard adds the PNG's file name). */
export interface ChartProps {
  /** Read by screen readers, and shown as the chart's heading by the parent. */
  title: string
  series: readonly ChartSeries[]
  kind?: ChartKind
  /** Tick labels of a categorical x axis (x = index), and the bars' labels. */
  categories?: readonly string[]
  xLabel?: string
  yLabel?: string
  height?: string
}

/** The defaults of the optional chart props. */
export const CHART_DEFAULTS = {
  kind: 'line',
  categories: undefined,
  xLabel: undefined,
  yLabel: undefined,
  height: '16rem',
} as const
