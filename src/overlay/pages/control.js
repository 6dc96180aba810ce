// Chorus control page: queue, skip/clear/pause, mutes, voices, live figures. Plain script, no build step.
// Every value from the server goes into the page through textContent: chat text cannot become markup.
(function () {
  'use strict';

  var token = new URLSearchParams(location.search).get('token') || '';
  var $ = function (id) { return document.getElementById(id); };
  var targetSelect = $('target');
  var voiceNames = new Map();
  var lastState = null;

  function api(method, path, body) {
    var init = { method: method, headers: { Authorization: 'Bearer ' + token } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch('/api/' + path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || 'HTTP ' + response.status);
        return data;
      });
    });
  }

  function say(text) { $('status').textContent = text; }
  function fail(error) { say('⚠ ' + error.message); }
  function target() { return targetSelect.value || (lastState && lastState.defaultTarget) || ''; }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function button(label, onClick, className, ariaLabel) {
    var node = el('button', label, className);
    node.type = 'button';
    if (ariaLabel) node.setAttribute('aria-label', ariaLabel);
    node.addEventListener('click', onClick);
    return node;
  }
  function seconds(ms) { return ms === undefined || ms === null ? '—' : (ms / 1000).toFixed(1) + ' s'; }
  function millis(ms) { return ms === undefined || ms === null ? '—' : Math.round(ms) + ' ms'; }
  function who(speaker) { return speaker.displayName + ' (' + speaker.platform + ')'; }
  function voiceName(id) { return voiceNames.get(id) || id; }

  // --- rendering that keeps focus: rows are kept by key and only their text is updated ---------------------
  function syncRows(container, items, keyOf, create, update) {
    var existing = new Map();
    Array.prototype.forEach.call(container.children, function (row) { existing.set(row.dataset.key, row); });
    var keep = new Set();
    items.forEach(function (item, index) {
      var key = keyOf(item);
      keep.add(key);
      var row = existing.get(key);
      if (!row) {
        row = create(item);
        row.dataset.key = key;
      }
      update(row, item);
      if (container.children[index] !== row) container.insertBefore(row, container.children[index] || null);
    });
    existing.forEach(function (row, key) { if (!keep.has(key)) row.remove(); });
  }

  function renderTargets(state) {
    var names = state.targets.map(function (t) { return t.player.target; });
    if (names.indexOf(state.defaultTarget) < 0) names.unshift(state.defaultTarget);
    var current = targetSelect.value || state.defaultTarget;
    syncRows(targetSelect, names, function (n) { return n; }, function (n) { var o = el('option', n); o.value = n; return o; }, function () {});
    targetSelect.value = current;
  }

  function render(state) {
    lastState = state;
    renderTargets(state);
    var entry = state.targets.filter(function (t) { return t.player.target === target(); })[0];
    var player = entry ? entry.player : null;
    var current = player && player.current;
    $('now').textContent = current ? who(current.speaker) + ': ' + current.displayText + ' — ' + voiceName(current.voiceId) + (player.paused ? ' (paused)' : '') : player && player.paused ? 'Paused.' : 'Nothing playing.';
    var pause = $('pause');
    var paused = !!(player && player.paused);
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';

    var entries = player ? player.queue.entries : [];
    $('depth').textContent = '(' + entries.length + ')';
    $('queue-empty').hidden = entries.length > 0;
    syncRows($('queue'), entries, function (e) { return e.jobId; }, function (e) {
      var row = el('tr');
      row.append(el('td', '', 'who'), el('td', '', 'what'), el('td', '', 'voice'), el('td', '', 'age'));
      var actions = el('td');
      var box = el('div', null, 'row-actions');
      box.append(
        button('Skip', function () { api('POST', 'skip', { target: target(), jobId: e.jobId }).then(function () { say('Skipped.'); refresh(); }, fail); }, null, 'Skip this message from ' + e.speaker.displayName),
        button('Mute', function () { mute(e.speaker); }, 'danger', 'Mute ' + e.speaker.displayName),
      );
      actions.append(box);
      row.append(actions);
      return row;
    }, function (row, e) {
      row.children[0].textContent = who(e.speaker);
      row.children[1].textContent = e.displayText;
      row.children[2].textContent = voiceName(e.voiceId);
      row.children[3].textContent = seconds(e.ageMs);
    });

    var figures = [];
    if (entry) {
      var f = entry.figures;
      figures.push(['Queue depth', f.queueDepth + ' / ' + player.queue.maxLength]);
      figures.push(['Spoken', f.spoken]);
      figures.push(['Enqueue → audio out', 'last ' + millis(f.latency.lastMs) + ', p50 ' + millis(f.latency.p50Ms) + ', p95 ' + millis(f.latency.p95Ms)]);
    }
    var s = state.synthesis;
    figures.push(['Synthesis', s.waiting + ' waiting, ' + s.running + ' running, ' + s.completed + ' done' + (s.failed > 0 ? ', ' + s.failed + ' failed' : '')]);
    if (s.redis) {
      figures.push(['Redis workers', s.redis.connected ? 'connected' : 'UNREACHABLE' + (s.redis.fallbackJobs > 0 ? ': ' + s.redis.fallbackJobs + ' jobs synthesised in the bot' : ': messages wait for it')]);
    }
    var reasons = Object.keys(state.drops);
    figures.push(['Not read (all targets)', reasons.length === 0 ? 'none' : reasons.map(function (k) { return k + ' ' + state.drops[k]; }).join(', ')]);
    var pages = state.overlay.pages[target()] || 0;
    figures.push(['Overlay pages', pages]);
    var sink = state.overlay.sinks[target()];
    if (sink && sink.startLatenciesMs.length > 0) {
      var sorted = sink.startLatenciesMs.slice().sort(function (a, b) { return a - b; });
      figures.push(['Overlay start (begin → heard)', 'p50 ' + millis(sorted[Math.floor(sorted.length / 2)])]);
    }
    if (sink && sink.audioMsSent > 0) figures.push(['Overlay data rate', (sink.bytesSent / (sink.audioMsSent / 1000) / 1024).toFixed(1) + ' KiB per audio second']);
    syncRows($('figures'), figures, function (p) { return p[0]; }, function (p) {
      var wrap = el('div');
      wrap.style.display = 'contents';
      wrap.append(el('dt', p[0]), el('dd'));
      return wrap;
    }, function (row, p) { row.children[1].textContent = String(p[1]); });

    $('mutes-empty').hidden = state.mutes.length > 0;
    syncRows($('mutes'), state.mutes, function (m) { return m.platform + ':' + m.userId; }, function (m) {
      var item = el('li');
      item.append(el('span'), button('Unmute', function () {
        api('POST', 'unmute', { platform: m.platform, userId: m.userId }).then(function () { say('Unmuted ' + m.displayName + '.'); refresh(); }, fail);
      }, null, 'Unmute ' + m.displayName));
      return item;
    }, function (item, m) { item.children[0].textContent = m.displayName + ' (' + m.platform + ')'; });
  }

  function mute(speaker) {
    api('POST', 'mute', { platform: speaker.platform, userId: speaker.userId, displayName: speaker.displayName })
      .then(function (result) { say('Muted ' + speaker.displayName + '; ' + result.dropped + ' message(s) dropped.'); refresh(); }, fail);
  }

  var failures = 0;
  function refresh() {
    return api('GET', 'state').then(function (state) {
      failures = 0;
      $('connection').textContent = 'connected';
      $('connection').className = 'connection ok';
      render(state);
    }, function (error) {
      failures += 1;
      $('connection').textContent = 'not connected: ' + error.message;
      $('connection').className = 'connection bad';
    });
  }

  function loadVoices() {
    return api('GET', 'voices').then(function (result) {
      voiceNames = new Map(result.voices.map(function (v) { return [v.id, v.name]; }));
      syncRows($('voices'), result.voices, function (v) { return v.id; }, function () {
        var row = el('tr');
        row.append(el('td'), el('td'), el('td'), el('td'));
        return row;
      }, function (row, v) {
        row.children[0].textContent = v.name;
        row.children[1].textContent = v.language;
        row.children[2].textContent = v.owner;
        row.children[3].textContent = v.scope;
      });
      var select = $('try-voice');
      var chosen = select.value;
      syncRows(select, result.voices, function (v) { return v.id; }, function (v) { var o = el('option'); o.value = v.id; return o; }, function (o, v) { o.textContent = v.name; });
      if (chosen) select.value = chosen;
    }, fail);
  }

  $('skip').addEventListener('click', function () {
    api('POST', 'skip', { target: target() }).then(function (r) { say(r.skipped ? 'Skipped.' : 'Nothing to skip.'); refresh(); }, fail);
  });
  $('clear').addEventListener('click', function () {
    api('POST', 'clear', { target: target() }).then(function (r) { say('Cleared ' + r.cleared + ' message(s).'); refresh(); }, fail);
  });
  $('pause').addEventListener('click', function () {
    var paused = $('pause').getAttribute('aria-pressed') !== 'true';
    api('POST', 'pause', { target: target(), paused: paused }).then(function () { say(paused ? 'Paused.' : 'Resumed.'); refresh(); }, fail);
  });
  targetSelect.addEventListener('change', function () { if (lastState) render(lastState); });
  $('try').addEventListener('submit', function (event) {
    event.preventDefault();
    api('POST', 'try', { voiceId: $('try-voice').value, text: $('try-text').value, target: target() })
      .then(function (r) { say(r.queued ? 'Queued.' : 'Not read: ' + r.problem); refresh(); }, fail);
  });

  loadVoices();
  refresh();
  setInterval(refresh, 1000);
  setInterval(loadVoices, 30000);
})();
