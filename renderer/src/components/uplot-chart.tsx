import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface UPlotChartProps {
  /** builds the options for a given width; called again when the width changes */
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  label: string;
}

/** uPlot in React: one instance per mount, rebuilt when options change, resized with its box. */
export function UPlotChart({ options, data, label }: UPlotChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const plot = new uPlot(options(Math.max(box.clientWidth, 200)), data, box);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(box.clientWidth, 200), height: plot.height }));
    observer.observe(box);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // data updates go through setData below; only new options need a new plot
    // (data is read once here for the first paint)
  }, [options]);

  useEffect(() => {
    plotRef.current?.setData(data);
  }, [data]);

  return <div className="chart" ref={boxRef} role="img" aria-label={label} />;
}

export const CHART_COLOURS = ['#7c8cff', '#4cc38a', '#e5a84b', '#b58cff', '#5ec8e5', '#ef6461', '#d77cc8', '#9fb86b'];

/** Axis styling shared by every chart: dim text, faint grid. */
export function darkAxis(overrides: uPlot.Axis = {}): uPlot.Axis {
  return {
    stroke: '#878c96',
    grid: { stroke: '#25282e', width: 1 },
    ticks: { stroke: '#25282e', width: 1 },
    font: '11px ui-monospace, Menlo, monospace',
    ...overrides,
  };
}
