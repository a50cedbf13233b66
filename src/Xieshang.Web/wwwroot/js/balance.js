// Charts of the balance dashboard (/balance, Features/Balance/BalancePage.razor), drawn with the vendored ECharts
// from the JSON island <script type="application/json" id="balance-data"> the page renders. Loaded as a module by
// the page's <page-script> element (see Xieshang.Web.lib.module.js): onUpdate runs when the page first appears and
// after every enhanced navigation ('enhancedload') while it stays, onDispose when it goes. Blazor's DOM merge
// replaces the chart containers' contents on each navigation, so every update disposes the charts and draws them anew.
// The tables under the charts hold the same numbers; without script the page still reads.

const charts = [];
let echartsLoading = null;
const RED = '#b71c1c';

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

function monthsOption(data) {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 4, right: 8, top: 36, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: data.months, axisLabel: { interval: phone() ? 1 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: data.types.map(t => ({ name: t.name, type: 'bar', stack: 'all', data: t.data, emphasis: { focus: 'series' }, barMaxWidth: 36 })),
  };
}

function barsOption(names, values, options) {
  const percent = options.percent;
  const option = {
    color: [RED],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, valueFormatter: v => v == null ? '—' : percent ? v + '%' : String(v) },
    grid: { left: 4, right: 40, top: 8, bottom: 4, containLabel: true },
    xAxis: { type: 'value', max: percent ? 100 : null, axisLabel: { formatter: percent ? '{value}%' : '{value}' } },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: phone() ? 88 : 150, overflow: 'truncate' } },
    series: [{
      name: options.name, type: 'bar', data: values, barMaxWidth: 18,
      label: { show: true, position: 'right', formatter: p => p.value == null ? '—' : percent ? p.value + '%' : p.value },
    }],
  };
  if (options.line != null) {
    option.grid.top = 24; // room for the line's label above the bars
    option.series[0].markLine = {
      symbol: 'none', silent: true, lineStyle: { color: '#6c757d', type: 'dashed' },
      label: { formatter: options.lineLabel + ' {c}', position: 'end', color: '#6c757d' },
      data: [{ xAxis: options.line }],
    };
  }
  return option;
}

function optionFor(kind, data) {
  const l = data.labels;
  switch (kind) {
    case 'months': return data.types.length ? monthsOption(data) : null;
    case 'committee-rate': return barsOption(data.committees.names, data.committees.rates, { name: l.rate, percent: true });
    case 'committee-points': return barsOption(data.committees.names, data.committees.points, { name: l.points, line: data.talkBelow, lineLabel: l.talkBelow });
    case 'sector-rate': return barsOption(data.sectors.names, data.sectors.rates, { name: l.rate, percent: true });
    case 'sector-points': return barsOption(data.sectors.names, data.sectors.points, { name: l.points, line: data.talkBelow, lineLabel: l.talkBelow });
    default: return null;
  }
}

function heightFor(kind, data) {
  if (kind === 'months') return phone() ? 280 : 320;
  const rows = kind.startsWith('committee') ? data.committees.names.length : data.sectors.names.length;
  return Math.max(120, 40 + rows * 30);
}

async function render() {
  disposeAll();
  const island = document.getElementById('balance-data');
  const host = document.querySelector('page-script[data-echarts]');
  if (!island || !host) return;
  const data = JSON.parse(island.textContent);
  const echarts = await loadEcharts(host.dataset.echarts);
  disposeAll(); // a second update may have drawn while ECharts was loading
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
