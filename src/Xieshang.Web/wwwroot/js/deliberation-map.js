// The opinion map's scatter chart (/deliberations/{id}/map, Features/Deliberations/DeliberationMapPage.razor): participants
// as points coloured by group, drawn with the vendored ECharts from the chart element's data-map attribute
// ({groups: [name…], points: [[x, y, group]…], mine: group|null}). Loaded by the page's <page-script> element (see
// Xieshang.Web.lib.module.js): onUpdate draws after the first load and every enhanced navigation, onDispose cleans up.
// The tables under the chart hold the same data.

const charts = [];
let echartsLoading = null;
export const PALETTE = ['#b71c1c', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a'];

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

// Axis limits 8 % beyond the data, so no point is cut at the chart's edge.
const padded = end => v => {
  const pad = (v.max - v.min) * 0.08 || 1;
  return end === 'min' ? v.min - pad : v.max + pad;
};

function option(d) {
  return {
    color: PALETTE,
    animation: false,
    tooltip: { trigger: 'item', confine: true, formatter: p => p.seriesName },
    legend: { bottom: 0, selectedMode: false },
    grid: { left: 14, right: 14, top: 12, bottom: 36, containLabel: false },
    xAxis: { type: 'value', show: false, min: padded('min'), max: padded('max') },
    yAxis: { type: 'value', show: false, min: padded('min'), max: padded('max') },
    series: d.groups.map((name, g) => ({
      name: g === d.mine ? name + ' ★' : name,
      type: 'scatter',
      symbolSize: g === d.mine ? 9 : 7,
      itemStyle: { opacity: 0.75 },
      data: d.points.filter(p => p[2] === g).map(p => [p[0], p[1]]),
    })),
  };
}

async function render() {
  disposeAll();
  const el = document.getElementById('dlb-chart');
  const host = document.querySelector('page-script[data-echarts]');
  if (!el || !host || !el.dataset.map) return;
  const data = JSON.parse(el.dataset.map);
  const echarts = await loadEcharts(host.dataset.echarts);
  disposeAll();
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption(option(data));
  charts.push(chart);
  // Swatches in the group table take the chart's colours.
  for (const s of document.querySelectorAll('.xs-dlb-swatch[data-group]')) s.style.background = PALETTE[Number(s.dataset.group) % PALETTE.length];
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
