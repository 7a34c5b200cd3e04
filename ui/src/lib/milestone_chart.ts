// The ECharts side of the dashboard's monthly milestone chart. Kept in its own module so the
// chart library (most of the app's script) is loaded only when the chart scrolls into view,
// not before the dashboard's first frame. echarts/core with only the parts used: the full
// import is twice the size.

import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartData = {
  months: string[];
  planned: number[];
  completed: number[];
  plannedLabel: string;
  completedLabel: string;
};

export type MilestoneChart = { draw(data: ChartData): void; dispose(): void };

export function createChart(element: HTMLElement): MilestoneChart {
  const chart = echarts.init(element, null, { renderer: "canvas" });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return {
    draw(data) {
      chart.setOption(
        {
          animation: false,
          textStyle: { fontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif" },
          tooltip: { trigger: "axis" },
          legend: { data: [data.plannedLabel, data.completedLabel], top: 0 },
          grid: { left: 36, right: 12, top: 32, bottom: 28 },
          xAxis: { type: "category", data: data.months },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: data.plannedLabel, type: "bar", data: data.planned, itemStyle: { color: "#94a3b8" } },
            { name: data.completedLabel, type: "bar", data: data.completed, itemStyle: { color: "#16a34a" } },
          ],
        },
        true,
      );
    },
    dispose() {
      resize.disconnect();
      chart.dispose();
    },
  };
}
