// Injected into the overlay page by the browser tests and the benchmark (plain browser JS, not type-checked).
// Taps the overlay's audio output with an AnalyserNode and records, every 5 ms, the stretches of sound:
// `spans` holds [start, end] in AudioContext seconds, `firstSoundWall` the wall clock when each began.
(function () {
  'use strict';
  var overlay = window.chorusOverlay;
  var analyser = overlay.context.createAnalyser();
  analyser.fftSize = 256; // 5.3 ms at 48 kHz: fine onset and offset resolution
  overlay.output.connect(analyser);
  var data = new Float32Array(analyser.fftSize);
  var meter = { spans: [], peak: 0, firstSoundWall: [], sounding: false };
  setInterval(function () {
    analyser.getFloatTimeDomainData(data);
    var sum = 0;
    for (var i = 0; i < data.length; i++) sum += data[i] * data[i];
    var rms = Math.sqrt(sum / data.length);
    meter.peak = Math.max(meter.peak, rms);
    var now = overlay.context.currentTime;
    if (rms > 0.01) {
      if (!meter.sounding) {
        meter.spans.push([now, now]);
        meter.firstSoundWall.push(Date.now());
      } else meter.spans[meter.spans.length - 1][1] = now;
      meter.sounding = true;
    } else meter.sounding = false;
  }, 5);
  window.__meter = meter;
})();
