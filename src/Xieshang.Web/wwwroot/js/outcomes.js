// The chart of the outcomes dashboard (/outcomes, Features/Outcomes/OutcomesPage.razor): outcomes, adopted and implemented
// per committee below (or per kind when the committee has none below), drawn with the vendored ECharts from the JSON island
// <script type="application/json" id="outcomes-data">. Loaded by the page's <page-script> element (see
// Xieshang.Web.lib.module.js) like proposal-stats.js: onUpdate draws after the first load and after every enhanced
// navigation, onDispose cleans up. The table under the chart holds the same numbers.

const charts = [];
let echartsLoading = null;
const PALETTE = ['#6c757d', '#e57373', '#b71c1c'];

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

const phone = () => window.matchMedia('(max-width: 575.98px)').matches;

function option(d) {
  if (!d.names.length || !d.total.some(v => v > 0)) return null;
  const l = d.labels;
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    legend: { top: 0 },
    grid: { left: 4, right: 36, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: d.names, inverse: true, axisLabel: { width: phone() ? 96 : 180, overflow: 'truncate' } },
    series: [
      { name: l.total, data: d.total }, { name: l.adopted, data: d.adopted }, { name: l.implemented, data: d.implemented },
    ].map(s => ({ ...s, type: 'bar', barMaxWidth: 12, label: { show: true, position: 'right' } })),
  };
}

async function render() {
  disposeAll();
  const island = document.getElementById('outcomes-data');
  const host = document.querySelector('page-script[data-echarts]');
  const el = document.querySelector('.xs-chart[data-chart="outcomes"]');
  if (!island || !host || !el) return;
  const data = JSON.parse(island.textContent);
  const opt = option(data);
  el.hidden = opt === null;
  if (!opt) return;
  const echarts = await loadEcharts(host.dataset.echarts);
  disposeAll();
  el.style.height = Math.max(150, 48 + data.names.length * 54) + 'px';
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption(opt);
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
