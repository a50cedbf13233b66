// The chart of a reading group's stats (/reading/groups/{id}, Features/Reading/ReadingGroupPage.razor): check-ins (bars)
// and minutes (line, right axis) per ISO week for the last 12 weeks, China time, drawn with the vendored ECharts from the
// JSON island <script type="application/json" id="reading-data">. Loaded by the page's <page-script> element (see
// Xieshang.Web.lib.module.js) like outcomes.js: onUpdate draws after the first load and after every enhanced navigation,
// onDispose cleans up. The table under the chart (每周明细) holds the same numbers.

const charts = [];
let echartsLoading = null;

function loadEcharts(src) {
  if (window.echarts) return Promise.resolve(window.echarts);
  echartsLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve(window.echarts);
    script.onerror = () => { echartsLoading = null; reject(new Error('ECharts could not be loaded from ' + src)); };
    document.head.appendChild(script);
  });
  return echartsLoading;
}

function disposeAll() {
  while (charts.length) charts.pop().dispose();
}

// 2026-W48 → W48 on the axis (the year is in the tooltip).
const shortWeek = w => w.replace(/^\d{4}-/, '');

function option(d) {
  const l = d.labels;
  return {
    color: ['#b71c1c', '#6c757d'],
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0 },
    grid: { left: 4, right: 4, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: d.weeks, axisLabel: { formatter: shortWeek, hideOverlap: true } },
    yAxis: [
      { type: 'value', minInterval: 1, name: '', splitLine: { lineStyle: { type: 'dashed' } } },
      { type: 'value', minInterval: 1, name: '', splitLine: { show: false } },
    ],
    series: [
      { name: l.checkIns, type: 'bar', data: d.checkIns, barMaxWidth: 16 },
      { name: l.minutes, type: 'line', yAxisIndex: 1, data: d.minutes, symbolSize: 5 },
    ],
  };
}

async function render() {
  disposeAll();
  const island = document.getElementById('reading-data');
  const host = document.querySelector('page-script[data-echarts]');
  const el = document.querySelector('.xs-chart[data-chart="reading"]');
  if (!island || !host || !el) return;
  const data = JSON.parse(island.textContent);
  const echarts = await loadEcharts(host.dataset.echarts);
  disposeAll();
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption(option(data));
  charts.push(chart);
}

let resizeTimer = 0;
function onResize() {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => charts.forEach(c => c.resize()), 150);
}

export function onLoad() {
  window.addEventListener('resize', onResize);
}

export function onUpdate() {
  render().catch(e => console.error(e));
}

export function onDispose() {
  window.removeEventListener('resize', onResize);
  disposeAll();
}
