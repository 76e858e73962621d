(function () {
  'use strict';
  const page = JSON.parse(document.getElementById('timeline-data').textContent);
  const chart = document.getElementById('chart'), detail = document.getElementById('detail');
  const filter = document.getElementById('filter'), asof = document.getElementById('asof');
  const dayOut = document.getElementById('asof-day'), count = document.getElementById('count');
  const DAY = 86400000, ROW = 24, GAP = 8, OPEN = 36;
  const items = [];  // one per fact: {fact, track, button}
  let selected = null;

  function node(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined && text !== null) made.textContent = text;
    return made;
  }
  function time(iso) { return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)); }

  // The state a fact was in on a knowledge day (ISO), or null before it was first reported.
  function stateOn(fact, day) {
    let found = null;
    fact.states.forEach(function (state) { if (state.from <= day) found = state; });
    return found;
  }
  function currentDay() { return page.days[Number(asof.value)] || ''; }

  // The axis: whole years around every known start and end.
  const ends = [];
  page.lanes.forEach(function (lane) { lane.facts.forEach(function (fact) { fact.states.forEach(function (s) {
    if (s.when.lo) ends.push(s.when.lo);
    if (s.when.hi) ends.push(s.when.hi);
  }); }); });
  ends.sort();
  const firstYear = ends.length ? +ends[0].slice(0, 4) : 2000;
  const lastYear = ends.length ? +ends[ends.length - 1].slice(0, 4) : firstYear;
  const t0 = Date.UTC(firstYear, 0, 1), t1 = Date.UTC(lastYear + 1, 0, 1);

  function row(name) {
    const lane = node('section', 'lane'), track = node('div', 'track');
    lane.append(node('h2', null, name), track);
    chart.append(lane);
    return track;
  }
  const axis = row('');
  axis.parentNode.classList.add('axis');
  page.lanes.forEach(function (lane) {
    const track = row(lane.name);
    lane.facts.forEach(function (fact) {
      const button = node('button', 'fact');
      button.type = 'button';
      button.dataset.id = fact.id;
      button.addEventListener('click', function () { selected = fact; update(); });
      track.append(button);
      items.push({ fact: fact, track: track, button: button });
    });
  });

  function drawAxis(width) {
    axis.textContent = '';
    chart.querySelectorAll('.gridline').forEach(function (line) { line.remove(); });
    const step = Math.max(1, Math.ceil((lastYear + 1 - firstYear) / 12));
    for (let year = firstYear; year <= lastYear; year += step) {
      const x = (Date.UTC(year, 0, 1) - t0) / (t1 - t0) * width;
      const tick = node('span', 'tick', String(year));
      tick.style.left = x + 'px';
      axis.append(tick);
      chart.querySelectorAll('.lane:not(.axis) .track').forEach(function (track) {
        const line = node('span', 'gridline');
        line.style.left = x + 'px';
        track.prepend(line);
      });
    }
  }

  // A fact's marker as it stood: a dot for a day, a bar over the span of a month, year or interval (an open
  // end fades out), dashed when uncertain or approximate, hollow when not (yet) happened, struck when retracted.
  function draw(item, state, width) {
    const button = item.button, when = state.when;
    const x = function (t) { return (t - t0) / (t1 - t0) * width; };
    let start = when.lo ? x(time(when.lo)) : null, end = when.hi ? x(time(when.hi) + DAY) : null;
    if (start === null) start = end - OPEN;
    if (end === null) end = start + OPEN;
    const classes = ['fact', 'kind-' + state.kind, 'status-' + state.status, 'precision-' + when.precision];
    if (when.uncertain) classes.push('uncertain');
    if (when.approximate) classes.push('approximate');
    if (!when.lo) classes.push('open-start');
    if (!when.hi) classes.push('open-end');
    if (state.retracted) classes.push('retracted');
    if (selected === item.fact) classes.push('selected');
    button.className = classes.join(' ');
    const mark = node('span', 'mark'), label = node('span', 'label');
    if (when.precision !== 'day') mark.style.width = Math.max(end - start, 8) + 'px';
    label.append(node('span', 'when', when.text), ' ' + state.title);
    if (state.status !== 'happened') label.append(' (' + state.status + ')');
    if (state.retracted) label.append(' (retracted)');
    button.replaceChildren(mark, label);
    button.title = when.text + ' ' + state.title;
    button.style.left = start + 'px';
    if (start + button.offsetWidth > width) {  // no room on the right: the label goes left of its mark
      button.classList.add('flip');
      button.style.left = Math.max(start + mark.offsetWidth - button.offsetWidth, 0) + 'px';
    }
  }

  // Stack the shown facts of each lane into rows so that no two overlap.
  function stack() {
    const tracks = new Map();
    items.forEach(function (item) {
      if (item.button.hidden) return;
      if (!tracks.has(item.track)) tracks.set(item.track, []);
      tracks.get(item.track).push(item.button);
    });
    chart.querySelectorAll('.lane:not(.axis) .track').forEach(function (track) {
      const buttons = (tracks.get(track) || []).sort(function (a, b) { return a.offsetLeft - b.offsetLeft; });
      const rows = [];
      buttons.forEach(function (button) {
        let r = rows.findIndex(function (right) { return right + GAP <= button.offsetLeft; });
        if (r < 0) { r = rows.length; rows.push(0); }
        rows[r] = button.offsetLeft + button.offsetWidth;
        button.style.top = (r * ROW + 4) + 'px';
      });
      track.style.height = (Math.max(rows.length, 1) * ROW + 4) + 'px';
    });
  }

  function words(state) {
    return [state.title, state.summary || '', state.kind, state.status, state.when.text, state.place || '',
      state.projects.join(' '), state.partners.join(' '), state.figures.join(' '),
      state.sources.map(function (s) { return s.label + ' ' + (s.quote || ''); }).join(' ')].join(' ').toLowerCase();
  }

  function list(title, values) {
    const part = document.createDocumentFragment(), listed = node('ul');
    values.forEach(function (value) { listed.append(value instanceof Node ? value : node('li', null, value)); });
    part.append(node('h4', null, title), listed);
    return part;
  }

  // The clicked fact as it stood on the chosen day: summary, figures, disagreements and every source.
  function showDetail(day) {
    detail.textContent = '';
    if (!selected) { detail.append(node('p', 'meta', 'Click a fact to see its summary, figures and sources.')); return; }
    const state = stateOn(selected, day);
    if (!state) { detail.append(node('p', 'meta', 'Not yet reported on ' + day + '.')); return; }
    detail.append(node('h3', null, state.title));
    detail.append(node('p', 'meta', [state.when.text, state.kind, state.status].join(' · ') +
                                     ' — as the record stood on ' + day));
    if (state.retracted) {
      detail.append(node('p', 'retracted-notice', 'Retracted on ' + state.retracted.on + ': ' + state.retracted.reason));
    }
    if (state.summary) detail.append(node('p', 'summary', state.summary));
    const about = [];
    if (state.projects.length) about.push('Projects: ' + state.projects.join(', '));
    if (state.partners.length) about.push('Partners: ' + state.partners.join(', '));
    if (state.place) about.push('Place: ' + state.place);
    about.forEach(function (line) { detail.append(node('p', 'meta', line)); });
    if (state.figures.length) detail.append(list('Figures', state.figures));
    if (state.disagreements.length) {
      detail.append(list('Disagreements', state.disagreements.map(function (d) {
        return node('li', 'disagreement', d.field + ': ' + d.value + ' — per ' + d.sources.join(', '));
      })));
    }
    detail.append(list('Sources', state.sources.map(function (s) {
      const item = node('li', 'source');
      if (s.url && /^https?:/i.test(s.url)) {
        const link = node('a', 'outlet', s.label);
        link.href = s.url;
        item.append(link);
      } else {
        item.append(node('span', 'outlet', s.label));
      }
      if (s.title) item.append(' “', node('cite', null, s.title), '”');
      if (s.quote) item.append(node('blockquote', 'quote', s.quote));
      if (s.note) item.append(node('p', 'note', s.note));
      return item;
    })));
  }

  function update() {
    const day = currentDay(), wanted = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    const width = axis.clientWidth;
    let shown = 0;
    drawAxis(width);
    items.forEach(function (item) {
      const state = stateOn(item.fact, day);
      const text = state ? words(state) : '';
      item.button.hidden = !state || !wanted.every(function (w) { return text.indexOf(w) >= 0; });
      if (!item.button.hidden) { shown += 1; draw(item, state, width); }
    });
    stack();
    dayOut.textContent = day + (Number(asof.value) === page.days.length - 1 ? ' (latest)' : '');
    count.textContent = shown + ' of ' + items.length + ' facts';
    showDetail(day);
  }

  filter.addEventListener('input', update);
  asof.addEventListener('input', update);
  window.addEventListener('resize', update);
  update();
})();
