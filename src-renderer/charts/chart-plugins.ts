/**
 * Drawing the lab's charts add to chart.js (issue 18 item 9): horizontal reference lines with
 * their names (the parent, the student alone, the teacher), and the names of the points of a
 * `named` series (the runs on a Pareto front).
 */
import type { Chart, Plugin } from 'chart.js'
import type { ChartPoint, ChartReference } from './chart-types'

/** Reference lines, read from the chart's options (`plugins.labReferences.lines`). */
export const referenceLines: Plugin = {
  id: 'labReferences',
  afterDatasetsDraw(c: Chart, _args, options: { lines?: readonly ChartReference[] }) {
    const lines = options.lines ?? []
    const { ctx, chartArea } = c
    const y = c.scales.y
    if (!lines.length || !y) return
    ctx.save()
    ctx.font = '11px system-ui, sans-serif'
    ctx.textBaseline = 'bottom'
    for (const line of lines) {
      const py = y.getPixelForValue(line.y)
      if (!Number.isFinite(py) || py < chartArea.top || py > chartArea.bottom) continue
      const color = line.color ?? '#495057'
      ctx.strokeStyle = color
      ctx.fillStyle = color
      ctx.lineWidth = 1.25
      ctx.setLineDash([5, 4])
      ctx.beginPath()
      ctx.moveTo(chartArea.left, py)
      ctx.lineTo(chartArea.right, py)
      ctx.stroke()
      ctx.setLineDash([])
      ctx.textAlign = 'right'
      ctx.fillText(line.label, chartArea.right - 4, py - 2)
    }
    ctx.restore()
  },
}

/** The names of the points of series marked `named` (`datasets[i].named`), beside each point. */
export const pointLabels: Plugin = {
  id: 'labPointLabels',
  afterDatasetsDraw(c: Chart) {
    const { ctx, chartArea } = c
    ctx.save()
    ctx.font = '10.5px system-ui, sans-serif'
    ctx.textBaseline = 'middle'
    c.data.datasets.forEach((ds, i) => {
      const meta = c.getDatasetMeta(i)
      if (meta.hidden || !(ds as { named?: boolean }).named) return
      ctx.fillStyle = String(ds.borderColor ?? '#333')
      ;(ds.data as ChartPoint[]).forEach((p, j) => {
        const el = meta.data[j]
        if (!el || !p.label) return
        // Right of the point, or left of it near the right edge.
        const right = el.x + 6 + ctx.measureText(p.label).width < chartArea.right
        ctx.textAlign = right ? 'left' : 'right'
        ctx.fillText(p.label, el.x + (right ? 6 : -6), el.y - 8)
      })
    })
    ctx.restore()
  },
}

/** The run of the point nearest a click, within the point's radius (+ a few pixels), if any. */
export function runAt(c: Chart, event: { x: number | null; y: number | null }): number | null {
  if (event.x === null || event.y === null) return null
  let best: { d: number; runId: number } | null = null
  c.data.datasets.forEach((ds, i) => {
    const meta = c.getDatasetMeta(i)
    if (meta.hidden) return
    ;(ds.data as ChartPoint[]).forEach((p, j) => {
      const el = meta.data[j]
      if (!el || p.runId === undefined) return
      const d = Math.hypot(el.x - event.x!, el.y - event.y!)
      if (d <= 8 && (!best || d < best.d)) best = { d, runId: p.runId }
    })
  })
  return (best as { d: number; runId: number } | null)?.runId ?? null
}

/** Where each run's point is drawn, in CSS pixels of the canvas (for keyboardless checks and tests). */
export function runPixels(c: Chart): { runId: number; x: number; y: number }[] {
  const out: { runId: number; x: number; y: number }[] = []
  c.data.datasets.forEach((ds, i) => {
    const meta = c.getDatasetMeta(i)
    if (meta.hidden) return
    ;(ds.data as ChartPoint[]).forEach((p, j) => {
      const el = meta.data[j]
      if (el && p.runId !== undefined) out.push({ runId: p.runId, x: Math.round(el.x), y: Math.round(el.y) })
    })
  })
  return out
}
