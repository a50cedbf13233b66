// Charts of the proposal statistics page (/proposals/stats, Features/Proposals/ProposalStatsPage.razor), drawn with the
// vendored ECharts from the JSON island <script type="application/json" id="proposal-stats-data">. Loaded by the page's
// <page-script> element (see Xieshang.Web.lib.module.js) like balance.js: onUpdate draws after the first load and after
// every enhanced navigation, onDispose cleans up. The tables under the charts hold the same numbers.

const charts = [];
let echartsLoading = null;
const PALETTE = ['#b71c1c', '#e57373', '#ffcdd2', '#6c757d'];

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

function pieOption(items) {
  if (!items.some(i => i.value > 0)) return null;
  return {
    color: PALETTE,
    tooltip: { trigger: 'item', confine: true, formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['38%', '68%'], center: ['50%', '45%'], data: items, label: { formatter: '{b}\n{d}%' } }],
  };
}

function barsOption(names, series, percent) {
  if (!names.length) return null;
  return {
    color: PALETTE,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, valueFormatter: v => v == null ? '—' : percent ? v + '%' : String(v) },
    legend: { top: 0 },
    grid: { left: 4, right: 40, top: 28, bottom: 4, containLabel: true },
    xAxis: { type: 'value', max: percent ? 100 : null, minInterval: 1, axisLabel: { formatter: percent ? '{value}%' : '{value}' } },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: phone() ? 88 : 160, overflow: 'truncate' } },
    series: series.map(s => ({ name: s.name, type: 'bar', data: s.data, barMaxWidth: 14,
      label: { show: true, position: 'right', formatter: p => p.value == null ? '—' : percent ? p.value + '%' : p.value } })),
  };
}

function optionFor(kind, d) {
  const l = d.labels;
  switch (kind) {
    case 'classes': return pieOption(d.classes);
    case 'satisfaction': return pieOption(d.satisfaction);
    case 'committee': return barsOption(d.committees.names, [
      { name: l.received, data: d.committees.received }, { name: l.filed, data: d.committees.filed }, { name: l.replied, data: d.committees.replied }], false);
    case 'unit': return barsOption(d.units.names, [{ name: l.onTime, data: d.units.onTime }, { name: l.satisfaction, data: d.units.satisfaction }], true);
    case 'sector': return barsOption(d.sectors.names, [{ name: l.received, data: d.sectors.received }, { name: l.filed, data: d.sectors.filed }], false);
    default: return null;
  }
}

function heightFor(kind, d) {
  if (kind === 'classes' || kind === 'satisfaction') return 260;
  const rows = kind === 'committee' ? d.committees.names.length : kind === 'unit' ? d.units.names.length : d.sectors.names.length;
  const per = kind === 'committee' ? 48 : 36;
  return Math.max(140, 48 + rows * per);
}

async function render() {
  disposeAll();
  const island = document.getElementById('proposal-stats-data');
  const host = document.querySelector('page-script[data-echarts]');
  if (!island || !host) return;
  const data = JSON.parse(island.textContent);
  const echarts = await loadEcharts(host.dataset.echarts);
  disposeAll();
  for (const el of document.querySelectorAll('.xs-chart[data-chart]')) {
    const option = optionFor(el.dataset.chart, data);
    el.hidden = option === null;
    if (!option) continue;
    el.style.height = heightFor(el.dataset.chart, data) + 'px';
    const chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(option);
    charts.push(chart);
  }
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
