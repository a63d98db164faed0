// Live tail: follows new usage events as server-sent events over fetch (EventSource cannot send the key header),
// reconnecting after the server ends a stream; falls back to a 10 s poll when the server has no stream.
import * as api from './api.js';

const PATH = '/v0/management/monitoring/stream';

/** Calls onNew(count) for new events until close(); nothing is delivered while paused or the tab is hidden. */
export function follow(onNew) {
  const state = { paused: false, closed: false, close() { state.closed = true; ctrl.abort(); clearInterval(timer); } };
  const ctrl = new AbortController();
  let timer = null;
  const deliver = (n) => { if (!state.paused && !state.closed && document.visibilityState === 'visible') onNew(n); };
  if (!api.has('monitorStream')) {
    timer = setInterval(() => deliver(1), 10000);
    return state;
  }
  (async () => {
    while (!state.closed) {
      try {
        const res = await api.call('monitorStream', PATH, { raw: true, signal: ctrl.signal });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let end;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('');
            if (data) { try { deliver(JSON.parse(data).new || 0); } catch (_) { /* not ours */ } }
          }
        }
      } catch (_) { if (state.closed) return; }
      await new Promise((r) => { setTimeout(r, 2000); });
    }
  })();
  return state;
}
