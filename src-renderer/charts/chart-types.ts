/** What LabChart draws. */
export type ChartKind = 'line' | 'scatter' | 'bar'

export interface ChartPoint {
  x: number
  y: number
  /** Half-height of an error bar (a standard deviation), drawn as ±err. */
  err?: number | null
  /** The point's name, written beside it when its series is `named` (a Pareto point). */
  label?: string
  /** The run the point is: clicking it opens the run. */
  runId?: number
}

/** A horizontal reference line (the parent, the student alone, the teacher). */
export interface ChartReference {
  label: string
  y: number
  color?: string
}

export interface ChartSeries {
  label: string
  points: readonly ChartPoint[]
  color?: string
  /** Scatter: join the points (a Pareto front). */
  showLine?: boolean
  dashed?: boolean
  pointRadius?: number
  /** Write each point's `label` beside it. */
  named?: boolean
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
  /** Logarithmic axes (only where every value is positive). */
  logX?: boolean
  logY?: boolean
  /** y values are fractions shown as percentages (ticks ×100, with %). */
  yPercent?: boolean
  references?: readonly ChartReference[]
}

/** The defaults of the optional chart props. */
export const CHART_DEFAULTS = {
  kind: 'line',
  categories: undefined,
  xLabel: undefined,
  yLabel: undefined,
  height: '16rem',
  logX: false,
  logY: false,
  yPercent: false,
  references: () => [],
} as const
