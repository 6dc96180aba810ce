// Chorus overlay page, for an OBS Browser Source (Chrome 103 and later). Plain script, no build step.
// Protocol: src/overlay/OverlayProtocol.ts. Audio: small self-contained Ogg Opus files per utterance, decoded
// one by one with decodeAudioData and scheduled back to back on one Web Audio timeline.
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);
  var token = params.get('token') || '';
  var target = params.get('target') || '';

  // --- settings from the URL (every value checked; a bad one falls back to the default) -------------------
  function number(name, fallback, min, max) {
    var raw = params.get(name);
    if (raw === null || raw.trim() === '') return fallback;
    var value = Number(raw);
    return isFinite(value) && value >= min && value <= max ? value : fallback;
  }
  function color(name, fallback) {
    var raw = params.get(name);
    return raw !== null && CSS.supports('color', raw) ? raw : fallback;
  }
  function choice(name, allowed, fallback) {
    var raw = params.get(name);
    return allowed.indexOf(raw) >= 0 ? raw : fallback;
  }
  var settings = {
    size: number('size', 44, 12, 200),
    color: color('color', '#ffffff'),
    nameColor: color('nameColor', '#ffd166'),
    outline: color('outline', '#000000'),
    outlineWidth: number('outlineWidth', 3, 0, 12),
    font: /^[\w \u3400-\u9fff-]{1,60}$/.test(params.get('font') || '') ? params.get('font') : 'WenQuanYi Micro Hei',
    maxWidth: number('maxWidth', 90, 20, 100),
    position: choice('position', ['top', 'middle', 'bottom'], 'bottom'),
    align: choice('align', ['left', 'center', 'right'], 'center'),
    lingerMs: number('linger', 1500, 0, 60000),
    fadeMs: number('fade', 400, 0, 5000),
    volume: number('volume', 1, 0, 1),
    // A preview background, to judge the style in a normal browser; OBS wants the default transparent.
    background: color('bg', 'transparent'),
    showBadge: params.get('badge') !== '0',
    showName: params.get('name') !== '0',
  };

  var root = document.documentElement.style;
  root.setProperty('--size', settings.size + 'px');
  root.setProperty('--color', settings.color);
  root.setProperty('--name-color', settings.nameColor);
  root.setProperty('--outline', settings.outline);
  root.setProperty('--outline-width', settings.outlineWidth + 'px');
  root.setProperty('--font', '"' + settings.font + '"');
  root.setProperty('--max-width', settings.maxWidth + '%');
  root.setProperty('--fade', settings.fadeMs + 'ms');
  root.setProperty('--bg', settings.background);

  var stage = document.getElementById('stage');
  stage.classList.add(settings.position, settings.align);
  if (!settings.showBadge) stage.classList.add('no-badge');
  if (!settings.showName) stage.classList.add('no-name');
  var subtitle = document.getElementById('subtitle');
  var badgeEl = subtitle.querySelector('.badge');
  var nameEl = subtitle.querySelector('.name');
  var paidEl = subtitle.querySelector('.paid');
  var textEl = subtitle.querySelector('.what');
  var BADGES = { bilibili: 'B站', discord: 'Discord', console: '控制台', cli: 'CLI' };

  // --- played jobs: never play one twice, across reconnects, bot restarts and page reloads ------------------
  var PLAYED_KEY = 'chorus.overlay.played';
  var MAX_PLAYED = 500;
  var playedList = [];
  try {
    var saved = JSON.parse(sessionStorage.getItem(PLAYED_KEY) || '[]');
    if (Array.isArray(saved)) playedList = saved.filter(function (id) { return typeof id === 'string'; }).slice(-MAX_PLAYED);
  } catch (e) { playedList = []; }
  var played = new Set(playedList);
  function remember(jobId) {
    played.add(jobId);
    playedList.push(jobId);
    if (playedList.length > MAX_PLAYED) played.delete(playedList.shift());
    try { sessionStorage.setItem(PLAYED_KEY, JSON.stringify(playedList)); } catch (e) { /* storage full or off: memory still works */ }
  }

  // --- audio ------------------------------------------------------------------------------------------------
  var context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  var output = context.createGain();
  output.gain.value = settings.volume;
  output.connect(context.destination);
  var START_LEAD = 0.08; // seconds between decoding a first segment and hearing it: room for the next decode
  var nextTime = 0; // where the next buffer joins the timeline
  var pausedByServer = false;
  // Without --autoplay-policy the context may start suspended; any click (or OBS "interact") wakes it.
  document.addEventListener('click', function () { if (!pausedByServer) context.resume(); });

  var jobs = new Map();
  var events = [];
  function note(type, jobId, extra) {
    var entry = { type: type, jobId: jobId, wall: Date.now(), audioTime: context.currentTime };
    if (extra) for (var key in extra) entry[key] = extra[key];
    events.push(entry);
    if (events.length > 500) events.shift();
  }

  var socket = null;
  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function playedMs(job) {
    if (job.startTime === undefined) return 0;
    return Math.max(0, Math.round((Math.min(context.currentTime, job.endTime) - job.startTime) * 1000));
  }

  function begin(message) {
    if (played.has(message.jobId)) {
      send({ type: 'ended', jobId: message.jobId, outcome: 'duplicate' });
      note('duplicate', message.jobId);
      return;
    }
    remember(message.jobId);
    var job = {
      id: message.jobId,
      speaker: message.speaker,
      text: message.text,
      paid: message.paid,
      chain: Promise.resolve(),
      sources: new Set(),
      startTime: undefined,
      endTime: 0,
      endReceived: false,
      done: false,
      heartbeat: 0,
    };
    jobs.set(job.id, job);
    // A heartbeat, also while paused, so the server knows this page is still listening.
    job.heartbeat = setInterval(function () { send({ type: 'progress', jobId: job.id, playedMs: playedMs(job) }); }, 250);
    if (!pausedByServer && context.state === 'suspended') context.resume();
  }

  function segment(data) {
    var view = new DataView(data);
    var idLength = view.getUint16(0);
    var jobId = new TextDecoder().decode(new Uint8Array(data, 2, idLength));
    var job = jobs.get(jobId);
    if (!job || job.done) return;
    var ogg = data.slice(2 + idLength + 4);
    // Decoded strictly in order: each segment is scheduled right after the one before it.
    job.chain = job.chain
      .then(function () { return job.done ? null : context.decodeAudioData(ogg); })
      .then(function (buffer) { if (buffer) schedule(job, buffer); })
      .catch(function (error) { note('decode-error', job.id, { message: String(error) }); });
  }

  function schedule(job, buffer) {
    if (job.done) return;
    var at = Math.max(nextTime, context.currentTime + START_LEAD);
    var source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(output);
    source.start(at);
    nextTime = at + buffer.duration;
    job.endTime = nextTime;
    job.sources.add(source);
    source.onended = function () {
      job.sources.delete(source);
      maybeFinish(job);
    };
    if (job.startTime === undefined) {
      job.startTime = at;
      whenAudible(job, at);
    }
  }

  // Reports the start and shows the subtitle when the first sample is due (the context clock, not a guess).
  function whenAudible(job, at) {
    function check() {
      if (job.done) return;
      var wait = at - context.currentTime;
      if (wait > 0.004 || context.state !== 'running') {
        setTimeout(check, Math.max(4, Math.min(50, wait * 1000)));
        return;
      }
      send({ type: 'started', jobId: job.id });
      note('started', job.id);
      show(job);
    }
    check();
  }

  function end(message) {
    var job = jobs.get(message.jobId);
    if (!job || job.done) return;
    job.endReceived = true;
    if (message.outcome !== 'finished') {
      stop(job, message.outcome);
      return;
    }
    job.chain.then(function () { maybeFinish(job); });
  }

  function stop(job, outcome) {
    job.sources.forEach(function (source) {
      source.onended = null;
      try { source.stop(); } catch (e) { /* not started yet */ }
    });
    job.sources.clear();
    if (job.endTime >= nextTime) nextTime = context.currentTime;
    finish(job, outcome, 0);
  }

  function maybeFinish(job) {
    if (job.done || !job.endReceived || job.sources.size > 0) return;
    // Wait for decodes still running; the chain calls back here when it settles.
    job.chain.then(function () {
      if (!job.done && job.sources.size === 0) finish(job, 'finished', settings.lingerMs);
    });
  }

  function finish(job, outcome, lingerMs) {
    if (job.done) return;
    job.done = true;
    clearInterval(job.heartbeat);
    send({ type: 'ended', jobId: job.id, outcome: outcome });
    note('ended', job.id, { outcome: outcome });
    jobs.delete(job.id);
    if (shownJob === job.id) hideAfter(lingerMs);
  }

  // --- subtitles: text only ever goes in through textContent, so chat cannot inject markup -------------------
  var shownJob = null;
  var hideTimer = 0;
  function show(job) {
    clearTimeout(hideTimer);
    shownJob = job.id;
    var platform = job.speaker && typeof job.speaker.platform === 'string' ? job.speaker.platform : '';
    badgeEl.textContent = BADGES[platform] || '';
    badgeEl.className = 'badge ' + platform.replace(/[^a-z]/g, '');
    nameEl.textContent = job.speaker && typeof job.speaker.name === 'string' ? job.speaker.name : '';
    paidEl.textContent = typeof job.paid === 'string' ? job.paid : '';
    textEl.textContent = typeof job.text === 'string' ? job.text : '';
    subtitle.classList.remove('hidden');
  }
  function hideAfter(ms) {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      subtitle.classList.add('hidden');
      shownJob = null;
    }, ms);
  }

  function setPaused(paused) {
    pausedByServer = paused;
    if (paused) context.suspend();
    else context.resume();
  }

  // --- connection: reconnects by itself, forever, with a capped backoff -------------------------------------
  var attempt = 0;
  var connected = false;
  function connect() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?token=' + encodeURIComponent(token) +
      (target ? '&target=' + encodeURIComponent(target) : '');
    var ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onmessage = function (event) {
      if (typeof event.data !== 'string') { segment(event.data); return; }
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (!message || typeof message.type !== 'string') return;
      if (message.type === 'hello') {
        attempt = 0;
        connected = true;
        note('connected', null);
        setPaused(message.paused === true);
      } else if (typeof message.jobId === 'string') {
        if (message.type === 'begin') begin(message);
        else if (message.type === 'end') end(message);
      } else if (message.type === 'pause') setPaused(message.paused === true);
    };
    ws.onclose = function () {
      if (socket !== ws) return;
      socket = null;
      if (connected) note('disconnected', null);
      connected = false;
      // The server is gone: what is already scheduled plays out; nothing more will come for these jobs.
      jobs.forEach(function (job) { job.endReceived = true; maybeFinish(job); });
      var delay = Math.min(8000, 500 * Math.pow(2, attempt)) * (0.8 + 0.4 * Math.random());
      attempt += 1;
      setTimeout(connect, delay);
    };
  }
  connect();

  // For diagnostics and the browser tests: the audio graph's output and what happened, nothing secret.
  window.chorusOverlay = {
    context: context,
    output: output,
    events: events,
    isConnected: function () { return connected; },
    hasPlayed: function (jobId) { return played.has(jobId); },
  };
})();
