// Auth files: status, cooldown, counters; upload (drag and drop, many at once), download,
// enable/disable, delete, edit fields; OAuth login with the paste-the-redirect-URL flow a Space needs.
import { t } from '../i18n.js';
import * as api from '../api.js';
import { h, num, time, short, table, section, notice, toast, download, unavailable } from '../ui.js';

const BASE = '/v0/management';
/** The OAuth logins of the provider catalogue, as [name, capability, label] (from the server). */
const logins = () => (api.capabilities().providers?.logins || []).map((l) => [l.name, l.capability, l.label]);

export default function authFiles(root) {
  const list = h('div', { id: 'auth-files-list' });
  const editor = h('div', { id: 'auth-files-editor' });
  root.append(uploader(), list, editor, oauth());
  load();

  function load() {
    section(list, async () => {
      const r = await api.get('authFiles', `${BASE}/auth-files`);
      const files = r.files || [];
      return h('div', { class: 'card' }, table([
        { title: t('col.name'), get: (f) => h('span', { class: 'auth-file-name' }, f.name) },
        { title: t('col.provider'), get: (f) => f.provider || f.type || '–' },
        { title: t('col.credential'), get: (f) => f.email || f.label || f.account || '–' },
        { title: t('col.status'), get: (f) => h('span', { class: `badge ${f.disabled ? 'warn' : f.status === 'error' || f.unavailable ? 'bad' : 'good'}`, 'data-status': f.disabled ? 'disabled' : f.status || '' },
          f.disabled ? t('authFile.disabled') : f.status || 'active') },
        { title: t('authFile.cooldown'), get: (f) => (f.next_retry_after ? time(Date.parse(f.next_retry_after) || f.next_retry_after) : '–') },
        { title: t('authFile.counters'), get: (f) => `${num(f.success ?? 0)} / ${num(f.failed ?? 0)}`, num: true },
        { title: t('col.actions'), get: (f) => h('div', { class: 'row' },
          h('button', { class: 'small auth-file-toggle', 'data-name': f.name, async onclick() { await act(() => api.patch('authStatus', `${BASE}/auth-files/status`, { name: f.name, disabled: !f.disabled })); } },
            f.disabled ? t('authFile.enable') : t('authFile.disable')),
          h('button', { class: 'small', onclick() { edit(f); } }, t('authFile.fields')),
          h('button', { class: 'small', disabled: !api.has('authDownload'), async onclick() {
            const res = await api.call('authDownload', `${BASE}/auth-files/download?name=${encodeURIComponent(f.name)}`, { raw: true });
            download(await res.blob(), f.name);
          } }, t('authFile.download')),
          h('button', { class: 'small danger', async onclick() { if (confirm(`${t('common.confirm')} ${f.name}`)) await act(() => api.del('authDelete', `${BASE}/auth-files?name=${encodeURIComponent(f.name)}`)); } }, t('common.delete'))) },
      ], files));
    });
  }

  async function act(fn) {
    try { await fn(); toast(t('common.saved')); } catch (e) { toast(t('common.error', e.message)); }
    load();
  }

  function edit(f) {
    const inputs = {
      priority: h('input', { type: 'number', value: f.priority ?? '' }), weight: h('input', { type: 'number', min: 0, value: f.weight ?? '' }),
      proxy_url: h('input', { type: 'text', value: f.proxy_url ?? '' }), note: h('input', { type: 'text', value: f.note ?? '' }),
    };
    const labels = { priority: 'authFile.priority', weight: 'authFile.weight', proxy_url: 'authFile.proxy', note: 'authFile.note' };
    editor.replaceChildren(h('div', { class: 'card' }, h('h2', {}, `${t('authFile.fields')}: ${f.name}`),
      Object.entries(inputs).map(([k, el]) => h('label', { class: 'field' }, h('span', {}, t(labels[k])), el)),
      h('div', { class: 'row' }, h('button', { class: 'primary', async onclick() {
        const body = { name: f.name };
        for (const [k, el] of Object.entries(inputs)) {
          if (el.value === '') { if (k === 'weight') body.weight = null; continue; }
          body[k] = el.type === 'number' ? Number(el.value) : el.value;
        }
        await act(() => api.patch('authFields', `${BASE}/auth-files/fields`, body));
        editor.replaceChildren();
      } }, t('common.save')), h('button', { onclick() { editor.replaceChildren(); } }, t('common.cancel')))));
  }

  function uploader() {
    if (!api.has('authUpload')) return h('div', {});
    const input = h('input', { type: 'file', multiple: true, accept: '.json,application/json', id: 'auth-upload', class: 'hidden', onchange() { send(input.files); } });
    const status = h('div', {});
    const drop = h('div', { class: 'drop', id: 'auth-drop',
      ondragover(e) { e.preventDefault(); drop.classList.add('over'); }, ondragleave() { drop.classList.remove('over'); },
      ondrop(e) { e.preventDefault(); drop.classList.remove('over'); send(e.dataTransfer.files); } },
    h('p', {}, t('authFile.upload')), h('button', { onclick() { input.click(); } }, t('authFile.choose')), input);
    async function send(files) {
      if (!files || !files.length) return;
      const form = new FormData();
      for (const f of files) form.append('file', f, f.name);
      try {
        const r = await api.call('authUpload', `${BASE}/auth-files`, { method: 'POST', body: form });
        status.replaceChildren(notice(t('authFile.uploaded', r.uploaded ?? files.length), r.status === 'partial' ? '' : 'ok'));
      } catch (e) { status.replaceChildren(notice(t('common.error', e.message), 'error')); }
      input.value = '';
      load();
    }
    return h('div', { class: 'card' }, drop, status);
  }

  function oauth() {
    const offered = logins().filter(([, cap]) => api.has(cap));
    const card = h('div', { class: 'card', id: 'oauth' }, h('h2', {}, t('authFile.oauth')));
    if (!offered.length || !api.has('authFiles')) { card.append(unavailable(`${BASE}/*-auth-url`)); return card; }
    const provider = h('select', {}, offered.map(([p, , label]) => h('option', { value: p }, label)));
    const flow = h('div', {});
    card.append(h('div', { class: 'row' }, provider, h('button', { class: 'primary', async onclick() {
      try {
        const r = await api.get(offered.find(([p]) => p === provider.value)[1], `${BASE}/${provider.value}-auth-url?is_webui=true`);
        const pasted = h('input', { type: 'url', placeholder: 'http://localhost:…/callback?code=…' });
        const state = h('div', {});
        if (r.flow === 'device') {
          // device flow: the operator opens the link and enters the code; the server polls the provider
          flow.replaceChildren(h('p', {}, t('authFile.deviceHelp')), h('p', {}, h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer', id: 'oauth-link' }, short(r.url, 80))),
            r.user_code ? h('p', {}, t('authFile.deviceCode'), ' ', h('code', { class: 'user-code', id: 'oauth-user-code' }, r.user_code)) : null, state);
          state.replaceChildren(t('authFile.oauthWait'));
          if (api.has('authStatusPoll')) poll(r.state, state);
          return;
        }
        flow.replaceChildren(...[h('p', {}, h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer' }, short(r.url, 80))),
          h('p', { class: 'muted' }, t('authFile.oauthHelp')),
          h('label', { class: 'field' }, h('span', {}, t('authFile.oauthPaste')), pasted),
          h('button', { disabled: !api.has('oauthCallback'), async onclick() {
            try {
              await api.post('oauthCallback', `${BASE}/oauth-callback`, { provider: provider.value, redirect_url: pasted.value.trim(), state: r.state });
              state.replaceChildren(t('authFile.oauthWait'));
              await poll(r.state, state);
            } catch (e) { state.replaceChildren(notice(t('common.error', e.message), 'error')); }
          } }, t('authFile.oauthSubmit')), state].filter(Boolean));
        if (api.has('authStatusPoll')) poll(r.state, state);
      } catch (e) { flow.replaceChildren(notice(t('common.error', e.message), 'error')); }
    } }, t('authFile.oauthStart'))), flow);
    return card;
  }

  async function poll(state, out) {
    for (let i = 0; i < 120 && document.body.contains(out); i++) {
      const r = await api.get('authStatusPoll', `/v0/management/get-auth-status?state=${encodeURIComponent(state)}`);
      if (r.status === 'ok') { out.replaceChildren(notice(t('authFile.oauthOk'), 'ok')); load(); return; }
      if (r.status === 'error') { out.replaceChildren(notice(t('common.error', r.error || 'error'), 'error')); return; }
      await new Promise((res) => setTimeout(res, 2000));
    }
  }
}
